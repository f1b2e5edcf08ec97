fn main() {
    console_error_panic_hook::set_once();
    // Loaded by the widget script: it mounts boards itself (`mountBoard`).
    if reve_remix_web::embedded() {
        return;
    }
    leptos::mount::mount_to_body(reve_remix_web::App);
}
