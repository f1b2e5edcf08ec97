fn main() {
    // A panic's message in the console, for development. Release builds go
    // without it: its formatting of the panic costs every visitor bytes
    // before the first click (issue 25), and a panic there still stops
    // with a stack in the console.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(reve_remix_web::App);
    // Once the first screen is painted (a timeout from the frame that
    // paints it), fetch what a run needs while the person picks.
    leptos::prelude::request_animation_frame(|| {
        leptos::prelude::set_timeout(
            || leptos::task::spawn_local(reve_remix_web::lazy::preload()),
            std::time::Duration::ZERO,
        );
    });
}
