use crate::api::work::{my_leave_days, worker_settings, AddLeaveDay, RemoveLeaveDay, SaveWorkerSettings, WorkerSettingsView};
use crate::browser::locate;
use crate::components::{field_error, form_error, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use leptos::prelude::*;


/// 服务时间与区域 (W2): skills, service area and weekly hours; dispatch and
/// slot availability follow them at once.
#[component]
pub fn WorkerSettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| worker_settings());
    view! {
        <PhoneShell title=Msg::SettingsTitle tabs=Tabs::Worker>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(current) => view! { <SettingsForm current/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
            <LeaveDays/>
        </PhoneShell>
    }
}

/// 休息日: dates the worker takes off; refused on a day with an accepted order.
#[component]
fn LeaveDays() -> impl IntoView {
    let add = ServerAction::<AddLeaveDay>::new();
    let remove = ServerAction::<RemoveLeaveDay>::new();
    let days = Resource::new(move || (add.version().get(), remove.version().get()), |_| my_leave_days());
    let value = add.value();
    let conflict = move || match value.get() {
        Some(Err(AppError::ConflictsWithOrder { order_no })) => Some(order_no),
        _ => None,
    };
    view! {
        <h3 class="section-title">{t(Msg::LeaveDaysTitle)}</h3>
        <p class="hint padded">{t(Msg::LeaveDaysHint)}</p>
        <Suspense fallback=|| view! { <Skeleton rows=1/> }>
            {move || Suspend::new(async move {
                match days.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted padded">{t(Msg::NoLeaveDays)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="leave-list">
                            {list.into_iter().map(|day| {
                                let label = format!("{} {day}", t(Msg::RemoveLeaveDay));
                                let (shown, field) = (day.clone(), day.clone());
                                view! {
                                    <li class="chip leave-day" data-day=day>
                                        <span>{shown}</span>
                                        <ActionForm action=remove attr:class="inline-form">
                                            <input type="hidden" name="day" value=field/>
                                            <button type="submit" class="btn btn-plain btn-small" aria-label=label>"×"</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorState error/> }.into_any(),
                }
            })}
        </Suspense>
        <ActionForm action=add attr:class="form leave-form">
            <div class="cell input-cell">
                <label for="f-leave">{t(Msg::LeaveDayLabel)}</label>
                <input id="f-leave" type="date" name="day"/>
            </div>
            <p class="field-error" id="f-leave-error" role="alert">
                {move || field_error(value, Field::LeaveDay).get()}
                {move || form_error(value).get()}
                {move || conflict().map(|no| format!(" {no}"))}
            </p>
            <button type="submit" class="btn btn-plain btn-block" disabled=move || add.pending().get()>{t(Msg::AddLeaveDay)}</button>
        </ActionForm>
    }
}

#[component]
fn SettingsForm(current: WorkerSettingsView) -> impl IntoView {
    let skills = RwSignal::new(current.skills.clone());
    let weekdays = RwSignal::new(current.weekdays.clone());
    let lat = RwSignal::new(current.lat.map(|v| format!("{v:.6}")).unwrap_or_default());
    let lng = RwSignal::new(current.lng.map(|v| format!("{v:.6}")).unwrap_or_default());
    let radius = RwSignal::new(format!("{}", current.radius_km));
    let start = RwSignal::new(current.start.clone());
    let end = RwSignal::new(current.end.clone());
    let save = ServerAction::<SaveWorkerSettings>::new();
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(())));
    let conflict = move || match value.get() {
        Some(Err(AppError::ConflictsWithOrder { order_no })) => Some(order_no),
        _ => None,
    };
    let submit = move |_| {
        save.dispatch(SaveWorkerSettings {
            skills: skills.get().join(","),
            lat: lat.get(),
            lng: lng.get(),
            radius_km: radius.get(),
            weekdays: weekdays.get().iter().map(u8::to_string).collect::<Vec<_>>().join(","),
            start: start.get(),
            end: end.get(),
        });
    };
    let use_location = move |_| {
        locate(move |found| {
            if let Some((la, ln)) = found {
                lat.set(format!("{la:.6}"));
                lng.set(format!("{ln:.6}"));
            }
        })
    };
    view! {
        <h3 class="section-title">{t(Msg::SkillsLabel)}</h3>
        <div class="choice-grid">
            {current.categories.iter().map(|c| {
                let code = c.code.clone();
                let checked_code = code.clone();
                let on = Memo::new(move |_| skills.with(|s| s.contains(&checked_code)));
                view! {
                    <label class="choice">
                        <input type="checkbox" checked=on prop:checked=on
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let code = code.clone();
                                skills.update(|s| { s.retain(|x| *x != code); if on { s.push(code); } });
                            }/>
                        <span>{c.name.clone()}</span>
                    </label>
                }
            }).collect_view()}
        </div>
        <p class="field-error" role="alert">{move || field_error(value, Field::Skills).get()}</p>
        {move || {
            let names: Vec<String> = skills.with(|chosen| {
                current.categories.iter().filter(|c| chosen.contains(&c.code) && current.uncertified.contains(&c.code)).map(|c| c.name.clone()).collect()
            });
            (!names.is_empty()).then(|| view! {
                <p class="notice notice-warning certificate-needed">
                    {names.join("、")}{t(Msg::CertificateNeededForSkills)}
                    <a href="/worker/apply">{t(Msg::GoFileCertificate)}</a>
                </p>
            })
        }}

        <h3 class="section-title">{t(Msg::AreaCenter)}</h3>
        <div class="cells">
            <div class="cell location-cell">
                <span>{t(Msg::Coordinates)}</span>
                <input aria-label=t(Msg::Latitude) inputmode="decimal" placeholder=t(Msg::Latitude) value=lat prop:value=lat on:input=move |ev| lat.set(event_target_value(&ev))/>
                <input aria-label=t(Msg::Longitude) inputmode="decimal" placeholder=t(Msg::Longitude) value=lng prop:value=lng on:input=move |ev| lng.set(event_target_value(&ev))/>
                <button type="button" class="btn btn-plain btn-small" on:click=use_location>{t(Msg::Locate)}</button>
            </div>
            <p class="field-error" role="alert">{move || field_error(value, Field::Location).get()}</p>
            <div class="cell input-cell">
                <label for="f-radius">{t(Msg::RadiusLabel)}</label>
                <input id="f-radius" inputmode="decimal" value=radius prop:value=radius on:input=move |ev| radius.set(event_target_value(&ev))/>
            </div>
            <p class="field-error" id="f-radius-error" role="alert">{move || field_error(value, Field::Radius).get()}</p>
        </div>

        <h3 class="section-title">{t(Msg::WorkdaysLabel)}</h3>
        <div class="choice-grid weekdays">
            {Msg::WEEKDAYS.iter().enumerate().map(|(i, label)| {
                let day = i as u8;
                let on = Memo::new(move |_| weekdays.with(|w| w.contains(&day)));
                view! {
                    <label class="choice">
                        <input type="checkbox" checked=on prop:checked=on
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                weekdays.update(|w| { w.retain(|d| *d != day); if on { w.push(day); } });
                            }/>
                        <span>{t(*label)}</span>
                    </label>
                }
            }).collect_view()}
        </div>
        <p class="field-error" role="alert">{move || field_error(value, Field::Weekdays).get()}</p>

        <h3 class="section-title">{t(Msg::WorkHoursLabel)}</h3>
        <div class="cells">
            <div class="cell input-cell">
                <label for="f-start">{t(Msg::HoursFrom)}</label>
                <input id="f-start" type="time" value=start prop:value=start on:input=move |ev| start.set(event_target_value(&ev))/>
            </div>
            <div class="cell input-cell">
                <label for="f-end">{t(Msg::HoursTo)}</label>
                <input id="f-end" type="time" value=end prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/>
            </div>
        </div>
        <p class="field-error" id="f-hours-error" role="alert">{move || field_error(value, Field::Hours).get()}</p>

        <div class="form">
            <p class="form-error" role="alert">
                {move || form_error(value).get()}
                {move || conflict().map(|no| format!(" {no}"))}
            </p>
            <button type="button" class="btn btn-primary btn-block" on:click=submit disabled=move || save.pending().get()>{t(Msg::Save)}</button>
            <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
        </div>
    }
}
