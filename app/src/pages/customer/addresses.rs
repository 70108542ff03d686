use crate::api::account::{my_addresses, AddAddress, AddressView, DeleteAddress, SetDefaultAddress};
use crate::browser::locate;
use crate::components::{field_error, form_error, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::error::Field;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 地址簿 (C11): saved addresses with a label and a default (preselected
/// when booking); new ones take the device position as their pin.
#[component]
pub fn AddressesPage() -> impl IntoView {
    let add = ServerAction::<AddAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let make_default = ServerAction::<SetDefaultAddress>::new();
    let addresses = Resource::new(
        move || (add.version().get(), delete.version().get(), make_default.version().get()),
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
                                {list.into_iter().map(|a| view! { <AddressCard a delete make_default/> }).collect_view()}
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
fn AddressCard(a: AddressView, delete: ServerAction<DeleteAddress>, make_default: ServerAction<SetDefaultAddress>) -> impl IntoView {
    view! {
        <li class="order-card address-card" data-address=a.id>
            <p class="order-card-title">
                <span class="tag">{a.label.clone()}</span>" "
                {a.is_default.then(|| view! { <span class="tag tag-default">{t(Msg::DefaultBadge)}</span> })}
            </p>
            <p>{a.address_text.clone()}</p>
            <p class="muted">{a.contact_name.clone()}" · "{a.contact_phone.clone()}</p>
            <div class="address-actions">
                {(!a.is_default).then(|| view! {
                    <ActionForm action=make_default attr:class="inline-form">
                        <input type="hidden" name="address_id" value=a.id/>
                        <button type="submit" class="btn btn-plain btn-small">{t(Msg::SetDefault)}</button>
                    </ActionForm>
                })}
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="address_id" value=a.id/>
                    <button type="submit" class="btn btn-danger-plain btn-small">{t(Msg::DeleteAddress)}</button>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
fn AddAddressForm(add: ServerAction<AddAddress>) -> impl IntoView {
    let value = add.value();
    let lat = RwSignal::new(String::new());
    let lng = RwSignal::new(String::new());
    let use_location = move |_| {
        locate(move |found| {
            if let Some((la, ln)) = found {
                lat.set(format!("{la:.6}"));
                lng.set(format!("{ln:.6}"));
            }
        })
    };
    view! {
        <h2 class="section-title">{t(Msg::AddAddress)}</h2>
        <ActionForm action=add attr:class="form" attr:novalidate=true>
            <div class="cells">
                <div class="cell input-cell">
                    <label for="f-address-label">{t(Msg::AddressLabelLabel)}</label>
                    <input id="f-address-label" name="label" maxlength="10"/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::AddressLabel).get()}</p>
                <div class="cell input-cell">
                    <label for="f-contact-name">{t(Msg::ContactName)}</label>
                    <input id="f-contact-name" name="contact_name" maxlength="20" autocomplete="name"/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::ContactName).get()}</p>
                <div class="cell input-cell">
                    <label for="f-contact-phone">{t(Msg::ContactPhone)}</label>
                    <input id="f-contact-phone" name="contact_phone" type="tel" inputmode="numeric" maxlength="20" autocomplete="tel"/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::ContactPhone).get()}</p>
                <div class="cell input-cell">
                    <label for="f-address-text">{t(Msg::AddressDetail)}</label>
                    <input id="f-address-text" name="address_text" maxlength="100" autocomplete="street-address"/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Address).get()}</p>
                <div class="cell location-cell">
                    <span>{t(Msg::Coordinates)}</span>
                    <input name="lat" aria-label=t(Msg::Latitude) inputmode="decimal" placeholder=t(Msg::Latitude) prop:value=lat on:input=move |ev| lat.set(event_target_value(&ev))/>
                    <input name="lng" aria-label=t(Msg::Longitude) inputmode="decimal" placeholder=t(Msg::Longitude) prop:value=lng on:input=move |ev| lng.set(event_target_value(&ev))/>
                    <button type="button" class="btn btn-plain btn-small" on:click=use_location>{t(Msg::Locate)}</button>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Location).get()}</p>
                <label class="cell choice-row"><input type="checkbox" name="make_default" value="on"/><span>{t(Msg::MakeDefault)}</span></label>
            </div>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || add.pending().get()>{t(Msg::SaveAddress)}</button>
        </ActionForm>
    }
}
