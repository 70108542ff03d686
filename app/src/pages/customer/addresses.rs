use crate::api::account::{my_addresses, AddAddress, AddressView, DeleteAddress, SetDefaultAddress, UpdateAddress};
use crate::browser::locate;
use crate::components::{field_error, form_error, reset_on_success, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 地址簿 (C11): saved addresses with a label and a default (preselected
/// when booking, the others one tap away there); new ones take the device
/// position as their pin, saved ones can be corrected and re-pinned.
#[component]
pub fn AddressesPage() -> impl IntoView {
    let add = ServerAction::<AddAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let make_default = ServerAction::<SetDefaultAddress>::new();
    let update = ServerAction::<UpdateAddress>::new();
    // Only a saved edit reloads the list: a refused one keeps its editor
    // open with the errors beside the fields.
    let edits_saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(()))) {
            edits_saved.update(|n| *n += 1);
        }
    });
    let addresses = Resource::new(
        move || (add.version().get(), delete.version().get(), make_default.version().get(), edits_saved.get()),
        |_| my_addresses(),
    );
    view! {
        <PhoneShell title=Msg::AddressBookTitle tabs=Tabs::Customer>
            <Suspense fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match addresses.await {
                        Ok(list) if list.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoAddresses)}</p></div> }.into_any(),
                        Ok(list) => view! {
                            <ul class="order-list">
                                {list.into_iter().map(|a| view! { <AddressCard a delete make_default update/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
            <AddAddressForm add/>
        </PhoneShell>
    }
}

#[component]
fn AddressCard(a: AddressView, delete: ServerAction<DeleteAddress>, make_default: ServerAction<SetDefaultAddress>, update: ServerAction<UpdateAddress>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let value = update.value();
    let id = a.id;
    let is_default = a.is_default;
    let saved = StoredValue::new(a.clone());
    view! {
        <li class="order-card address-card" data-address=a.id>
            <p class="order-card-title">
                <span class="tag">{a.label.clone()}</span>" "
                {a.is_default.then(|| view! { <span class="tag tag-default">{t(Msg::DefaultBadge)}</span> })}
            </p>
            <p>{a.address_text.clone()}</p>
            <p class="muted">{a.contact_name.clone()}" · "{a.contact_phone.clone()}</p>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <div class="address-actions">
                        <button type="button" class="btn btn-plain btn-small" on:click=move |_| { value.set(None); editing.set(true); }>{t(Msg::EditAddress)}</button>
                        {(!is_default).then(|| view! {
                            <ActionForm action=make_default attr:class="inline-form">
                                <input type="hidden" name="address_id" value=id/>
                                <button type="submit" class="btn btn-plain btn-small">{t(Msg::SetDefault)}</button>
                            </ActionForm>
                        })}
                        <ActionForm action=delete attr:class="inline-form">
                            <input type="hidden" name="address_id" value=id/>
                            <button type="submit" class="btn btn-danger-plain btn-small">{t(Msg::DeleteAddress)}</button>
                        </ActionForm>
                    </div>
                }
            >
                <ActionForm action=update attr:class="form address-edit" attr:novalidate=true>
                    <input type="hidden" name="address_id" value=id/>
                    <AddressFields value prefix=format!("f-edit-{id}") saved=Some(saved.get_value())/>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <div class="address-actions">
                        <button type="submit" class="btn btn-primary btn-small" disabled=move || update.pending().get()>{t(Msg::SaveChanges)}</button>
                        <button type="button" class="btn btn-plain btn-small" on:click=move |_| editing.set(false)>{t(Msg::DiscardEdit)}</button>
                    </div>
                </ActionForm>
            </Show>
        </li>
    }
}

#[component]
fn AddAddressForm(add: ServerAction<AddAddress>) -> impl IntoView {
    let value = add.value();
    // A saved address leaves an empty form for the next one.
    let form = reset_on_success(add);
    view! {
        <h2 class="section-title">{t(Msg::AddAddress)}</h2>
        <ActionForm action=add node_ref=form attr:class="form" attr:novalidate=true>
            <AddressFields value prefix="f".to_string() saved=None/>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || add.pending().get()>{t(Msg::SaveAddress)}</button>
        </ActionForm>
    }
}

/// The fields of one address, empty for a new one or holding `saved` for
/// an edit; `prefix` keeps the ids of several forms on a page apart.
#[component]
fn AddressFields(value: MappedSignal<Option<Result<(), AppError>>>, prefix: String, saved: Option<AddressView>) -> impl IntoView {
    let text = |pick: fn(&AddressView) -> String| saved.as_ref().map(pick).unwrap_or_default();
    let lat = RwSignal::new(saved.as_ref().map(|a| format!("{:.6}", a.lat)).unwrap_or_default());
    let lng = RwSignal::new(saved.as_ref().map(|a| format!("{:.6}", a.lng)).unwrap_or_default());
    let use_location = move |_| {
        locate(move |found| {
            if let Some((la, ln)) = found {
                lat.set(format!("{la:.6}"));
                lng.set(format!("{ln:.6}"));
            }
        })
    };
    let id = |field: &str| format!("{prefix}-{field}");
    view! {
        <div class="cells">
            <div class="cell input-cell">
                <label for=id("address-label")>{t(Msg::AddressLabelLabel)}</label>
                <input id=id("address-label") name="label" maxlength="10" value=text(|a| a.label.clone())/>
            </div>
            <p class="field-error" role="alert">{move || field_error(value, Field::AddressLabel).get()}</p>
            <div class="cell input-cell">
                <label for=id("contact-name")>{t(Msg::ContactName)}</label>
                <input id=id("contact-name") name="contact_name" maxlength="20" autocomplete="name" value=text(|a| a.contact_name.clone())/>
            </div>
            <p class="field-error" role="alert">{move || field_error(value, Field::ContactName).get()}</p>
            <div class="cell input-cell">
                <label for=id("contact-phone")>{t(Msg::ContactPhone)}</label>
                <input id=id("contact-phone") name="contact_phone" type="tel" inputmode="numeric" maxlength="20" autocomplete="tel" value=text(|a| a.contact_phone.clone())/>
            </div>
            <p class="field-error" role="alert">{move || field_error(value, Field::ContactPhone).get()}</p>
            <div class="cell input-cell">
                <label for=id("address-text")>{t(Msg::AddressDetail)}</label>
                <input id=id("address-text") name="address_text" maxlength="100" autocomplete="street-address" value=text(|a| a.address_text.clone())/>
            </div>
            <p class="field-error" role="alert">{move || field_error(value, Field::Address).get()}</p>
            <div class="cell location-cell">
                <span>{t(Msg::Coordinates)}</span>
                <input name="lat" aria-label=t(Msg::Latitude) inputmode="decimal" placeholder=t(Msg::Latitude) value=lat prop:value=lat on:input=move |ev| lat.set(event_target_value(&ev))/>
                <input name="lng" aria-label=t(Msg::Longitude) inputmode="decimal" placeholder=t(Msg::Longitude) value=lng prop:value=lng on:input=move |ev| lng.set(event_target_value(&ev))/>
                <button type="button" class="btn btn-plain btn-small" on:click=use_location>{t(Msg::Locate)}</button>
            </div>
            <p class="field-error" role="alert">{move || field_error(value, Field::Location).get()}</p>
            {(!saved.as_ref().is_some_and(|a| a.is_default)).then(|| view! {
                <label class="cell choice-row"><input type="checkbox" name="make_default" value="on"/><span>{t(Msg::MakeDefault)}</span></label>
            })}
        </div>
    }
}
