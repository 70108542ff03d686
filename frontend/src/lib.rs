//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A slow phone shows the page long before it is interactive: keep what
    // the visitor typed meanwhile instead of letting hydration reset it.
    let typed = app::browser::TypedBeforeHydration::take();
    leptos::mount::hydrate_body(app::App);
    typed.restore();
}
