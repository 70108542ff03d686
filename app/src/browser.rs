//! Browser-only helpers: live updates over SSE and the device position.
//! They run in effects and event handlers, which only ever run in the browser.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The page's one connection to `/live`, shared by every component that
/// follows it: over plain HTTP a browser keeps six connections per host,
/// so a stream per component (a page, its tab bar, its message count)
/// would leave two open tabs no connection for anything else.
#[derive(Clone, Copy)]
pub struct LiveHub {
    version: RwSignal<u32>,
    users: StoredValue<usize>,
    source: StoredValue<Option<send_wrapper::SendWrapper<web_sys::EventSource>>>,
    /// The page (path) the stream was opened on.
    opened_on: StoredValue<String>,
}

impl LiveHub {
    fn new() -> Self {
        LiveHub { version: RwSignal::new(0), users: StoredValue::new(0), source: StoredValue::new(None), opened_on: StoredValue::new(String::new()) }
    }

    /// The hub of everything under the calling component. A new page opens
    /// the stream again, as whoever is signed in now (after a login or
    /// logout the page changes without a reload).
    pub fn provide() {
        let hub = LiveHub::new();
        provide_context(hub);
        let location = leptos_router::hooks::use_location();
        Effect::new(move |_| {
            let path = location.pathname.get();
            let opened_elsewhere = hub.source.with_value(Option::is_some) && hub.opened_on.with_value(|on| *on != path);
            if opened_elsewhere && hub.users.get_value() > 0 {
                hub.close();
                hub.open();
            }
        });
    }

    fn open(self) {
        let Ok(source) = web_sys::EventSource::new("/live") else { return };
        let version = self.version;
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            version.update(|v| *v = v.wrapping_add(1));
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The stream starts at the newest event when it (re)connects, so
        // refetch once on open to pick up anything between render and connect.
        source.set_onopen(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        self.source.set_value(Some(send_wrapper::SendWrapper::new(source)));
        self.opened_on.set_value(window().location().pathname().unwrap_or_default());
    }

    fn close(self) {
        if let Some(source) = self.source.try_update_value(Option::take).flatten() {
            source.close();
        }
    }
}

/// A counter that goes up whenever the server reports a change for the
/// signed-in user (offers, order steps). Resources that read it refetch.
/// The stream is open while any component on the page follows it.
pub fn use_live_version() -> ReadSignal<u32> {
    let hub = use_context::<LiveHub>().unwrap_or_else(|| {
        let hub = LiveHub::new();
        provide_context(hub);
        hub
    });
    Effect::new(move |_| {
        hub.users.update_value(|n| *n += 1);
        if hub.source.with_value(Option::is_none) {
            hub.open();
        }
        on_cleanup(move || {
            hub.users.update_value(|n| *n = n.saturating_sub(1));
            if hub.users.get_value() == 0 {
                hub.close();
            }
        });
    });
    hub.version.read_only()
}

/// Asks the browser for the device position; calls `done` with
/// `Some((lat, lng))`, or `None` when refused or unavailable.
pub fn locate(done: impl Fn(Option<(f64, f64)>) + 'static) {
    let done = std::rc::Rc::new(done);
    let Some(geolocation) = window().navigator().geolocation().ok() else {
        done(None);
        return;
    };
    let on_success = {
        let done = done.clone();
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |value: wasm_bindgen::JsValue| {
            let position: web_sys::Position = value.unchecked_into();
            let coords = position.coords();
            done(Some((coords.latitude(), coords.longitude())));
        })
    };
    let on_error = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| done(None));
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(10_000);
    let _ = geolocation.get_current_position_with_error_callback_and_options(
        on_success.as_ref().unchecked_ref(),
        Some(on_error.as_ref().unchecked_ref()),
        &options,
    );
    on_success.forget();
    on_error.forget();
}

/// Takes the page's query string out of the address bar without navigating,
/// so a reload or a shared link does not repeat a one-time notice the page
/// has already shown (图片已发送 after a photo form's redirect).
fn forget_query() {
    let window = window();
    let location = window.location();
    let (Ok(path), Ok(hash)) = (location.pathname(), location.hash()) else { return };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{hash}")));
    }
}

/// For a page a plain form posts back to with a one-time result in the
/// query (`?uploaded=…`, `?upload_error=…`): once hydrated, the address loses
/// the query when it carries any of `notice_keys`, so a reload or a shared
/// link does not repeat the notice. The router does not see that change, so
/// the page keeps showing the notice until it navigates.
pub fn forget_notice_query(notice_keys: &'static [&'static str]) {
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if query.with_untracked(|q| notice_keys.iter().any(|key| q.get(key).is_some())) {
            forget_query();
        }
    });
}

/// A random key (32 hex digits) from the browser's cryptographic generator,
/// or `None` where it is unavailable.
pub fn random_key() -> Option<String> {
    let crypto = window().crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The size in bytes of the file chosen in the `<input type="file">` an
/// event came from.
pub fn chosen_file_size(event: &web_sys::Event) -> Option<f64> {
    let input = event.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    Some(input.files()?.get(0)?.size())
}

/// Empties the `<input type="file">` an event came from.
pub fn clear_chosen_file(event: &web_sys::Event) {
    if let Some(input) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        input.set_value("");
    }
}

/// What the visitor typed (or the browser autofilled) into the server-rendered
/// page while the WebAssembly was still loading. Hydration sets every field
/// bound to a signal back to the signal's value, which would wipe it, so
/// [`TypedBeforeHydration::take`] runs just before hydrating and
/// [`TypedBeforeHydration::restore`] just after. A field bound to a signal
/// carries `value` as well as `prop:value`: the server renders only the
/// first, so the page shows the real value before hydration and this can
/// tell what was typed from what was rendered.
pub struct TypedBeforeHydration(Vec<(web_sys::HtmlElement, Typed)>);

enum Typed {
    Text(String),
    Checked(bool),
}

impl TypedBeforeHydration {
    /// Every field whose value differs from the one the server rendered.
    pub fn take() -> Self {
        let Ok(fields) = document().query_selector_all("input, textarea, select") else { return Self(Vec::new()) };
        let typed = (0..fields.length())
            .filter_map(|i| fields.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
            .filter_map(|field| Some((field.clone(), typed_into(&field)?)))
            .collect();
        Self(typed)
    }

    /// Puts each field's typed value back, then tells the page with the
    /// event a visitor's edit would have sent, so its signals hold it too.
    /// A field hydration replaced is found again by its id.
    pub fn restore(self) {
        for (field, typed) in self.0 {
            let field = if field.is_connected() {
                field
            } else {
                let Some(replacement) = document().get_element_by_id(&field.id()).and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) else { continue };
                replacement
            };
            let event = match (&typed, field.dyn_ref::<web_sys::HtmlInputElement>()) {
                (Typed::Checked(checked), Some(input)) => {
                    input.set_checked(*checked);
                    "change"
                }
                (Typed::Text(text), Some(input)) => {
                    input.set_value(text);
                    "input"
                }
                (Typed::Text(text), None) => {
                    if let Some(area) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                        area.set_value(text);
                        "input"
                    } else if let Some(select) = field.dyn_ref::<web_sys::HtmlSelectElement>() {
                        select.set_value(text);
                        "change"
                    } else {
                        continue;
                    }
                }
                (Typed::Checked(_), None) => continue,
            };
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            if let Ok(event) = web_sys::Event::new_with_event_init_dict(event, &init) {
                let _ = field.dispatch_event(&event);
            }
        }
    }
}

/// The value in `field` when it is not what the server rendered there.
fn typed_into(field: &web_sys::HtmlElement) -> Option<Typed> {
    if let Some(input) = field.dyn_ref::<web_sys::HtmlInputElement>() {
        return match input.type_().as_str() {
            "hidden" | "file" | "submit" | "button" | "reset" | "image" => None,
            "checkbox" | "radio" => (input.checked() != input.default_checked()).then(|| Typed::Checked(input.checked())),
            _ => (input.value() != input.default_value()).then(|| Typed::Text(input.value())),
        };
    }
    if let Some(area) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return (Ok(area.value()) != area.default_value()).then(|| Typed::Text(area.value()));
    }
    let select = field.dyn_ref::<web_sys::HtmlSelectElement>()?;
    let options = select.query_selector_all("option").ok()?;
    let changed = (0..options.length())
        .filter_map(|i| options.item(i)?.dyn_into::<web_sys::HtmlOptionElement>().ok())
        .any(|option| option.selected() != option.default_selected());
    changed.then(|| Typed::Text(select.value()))
}
