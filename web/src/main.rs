fn main() {
    // A panic's message in the console, for development. Release builds go
    // without it: its formatting of the panic costs every visitor bytes
    // before the first click (issue 25), and a panic there still stops
    // with a stack in the console.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(reve_remix_web::App);
    // Once the first screen is painted, fetch what a run needs while the
    // person picks.
    reve_remix_web::lazy::once_painted(reve_remix_web::lazy::preload());
}
