use crate::api::onboarding::{my_application, ApplicationView, DocKind, DocReview, ResubmitApplication, SaveApplication};
use crate::components::{field_error, form_error, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::worker::home::ApplicationStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub fn doc_label(kind: DocKind) -> Msg {
    match kind {
        DocKind::Photo => Msg::DocPhoto,
        DocKind::IdCard => Msg::DocIdCard,
        DocKind::Health => Msg::DocHealth,
        DocKind::Qualification => Msg::DocQualification,
    }
}

pub fn upload_error_text(code: &str) -> Msg {
    match code {
        "not_image" => Msg::ErrUploadNotImage,
        "too_large" => Msg::ErrUploadTooLarge,
        "corrupt" => Msg::ErrUploadCorrupt,
        "empty" => Msg::ErrUploadEmpty,
        "locked" => Msg::ErrApplicationLocked,
        "category" => Msg::ErrCertificateCategory,
        "expiry_missing" => Msg::ErrExpiryMissing,
        "expiry_invalid" => Msg::ErrExpiryInvalid,
        "expired" => Msg::ErrCertificateExpired,
        "too_many" => Msg::ErrFeedbackTooManyImages,
        "closed" => Msg::ErrFeedbackClosedImages,
        "too_fast" => Msg::ErrChatTooFast,
        "too_many_photos" => Msg::ErrProofTooManyPhotos,
        "not_now" => Msg::ErrUploadNotNow,
        "no_review" => Msg::ErrReviewPhotoNoReview,
        "too_many_review_photos" => Msg::ErrReviewTooManyPhotos,
        "review_video_taken" => Msg::ErrReviewVideoTaken,
        "not_video" => Msg::ErrUploadNotVideo,
        "video_empty" => Msg::ErrVideoEmpty,
        "video_too_large" => Msg::ErrVideoTooLarge,
        "video_too_long" => Msg::ErrVideoTooLong,
        "video_corrupt" => Msg::ErrVideoCorrupt,
        _ => Msg::ErrUploadFailed,
    }
}

/// Under a qualification certificate: the service it qualifies for.
pub fn certificate_caption(category: Option<&str>) -> String {
    match category {
        Some(name) => format!("{}：{name}", t(Msg::CertificateCategoryLabel)),
        None => t(Msg::CertificateNoCategory).to_string(),
    }
}

/// How an admin's review of a certificate filed after approval stands,
/// with `pending` saying it waits (worded for whoever reads it); nothing
/// for one that counts.
pub fn review_caption(review: &DocReview, pending: Msg) -> Option<String> {
    match review {
        DocReview::Accepted => None,
        DocReview::Pending => Some(t(pending).to_string()),
        DocReview::Rejected { note } => Some(format!("{}{note}", t(Msg::CertificateRejected))),
        DocReview::Withdrawn { note } => Some(format!("{}{note}", t(Msg::CertificateWithdrawn))),
    }
}

/// A certificate's stated validity: 「有效期至 2027-03-31」, flagged once past.
#[component]
pub fn ExpiryCaption(expires_on: Option<String>, expired: bool) -> impl IntoView {
    expires_on.map(|day| view! {
        <span class="doc-expiry" class:expired=expired>
            {t(Msg::ExpiryLabel)}" "<span class="doc-expiry-day">{day}</span>{expired.then(|| format!("（{}）", t(Msg::ExpiredTag)))}
        </span>
    })
}

/// 资料与认证 (W1): the application profile, documents, and resubmission
/// after a rejection or a request for more material.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let save = ServerAction::<SaveApplication>::new();
    let resubmit = ServerAction::<ResubmitApplication>::new();
    let application = Resource::new(move || (save.version().get(), resubmit.version().get()), |_| my_application());
    crate::browser::forget_notice_query(&["uploaded", "upload_error"]);
    view! {
        <PhoneShell title=Msg::ApplyTitle tabs=Tabs::Worker>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match application.await {
                        Ok(app) => view! { <ApplyBody app save resubmit/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

#[component]
fn ApplyBody(app: ApplicationView, save: ServerAction<SaveApplication>, resubmit: ServerAction<ResubmitApplication>) -> impl IntoView {
    let resubmit_value = resubmit.value();
    let missing = app.missing.iter().map(|k| t(doc_label(*k))).collect::<Vec<_>>().join("、");
    view! {
        <ApplicationStatus status=app.status review_note=app.review_note.clone()/>
        <ProfileForm app=app.clone() save/>
        <h2 class="section-title">{t(Msg::ApplicationDocs)}</h2>
        {(!app.missing.is_empty()).then(|| view! { <p class="notice notice-warning">{t(Msg::MissingDocs)}{missing}</p> })}
        <div class="doc-list">
            {DocKind::ALL.into_iter().map(|kind| view! { <DocumentSlot kind app=app.clone()/> }).collect_view()}
        </div>
        {app.can_resubmit.then(|| view! {
            <ActionForm action=resubmit attr:class="form">
                <p class="form-error" role="alert">{move || form_error(resubmit_value).get()}</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || resubmit.pending().get()>{t(Msg::ResubmitApplication)}</button>
            </ActionForm>
        })}
    }
}

#[component]
fn ProfileForm(app: ApplicationView, save: ServerAction<SaveApplication>) -> impl IntoView {
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(())));
    let locked = !app.can_edit;
    view! {
        <ActionForm action=save attr:class="form profile-form">
            <fieldset class="cells" disabled=locked>
                <div class="cell input-cell">
                    <label for="f-name">{t(Msg::RealNameLabel)}</label>
                    <input id="f-name" name="display_name" maxlength="20" value=app.display_name.clone() autocomplete="name"/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Name).get()}</p>
                <div class="cell">
                    <span>{t(Msg::GenderLabel)}</span>
                    <span class="radio-pair">
                        <label><input type="radio" name="gender" value="female" checked=app.gender == "female"/>{t(Msg::GenderFemale)}</label>
                        <label><input type="radio" name="gender" value="male" checked=app.gender == "male"/>{t(Msg::GenderMale)}</label>
                    </span>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Gender).get()}</p>
                <div class="cell input-cell">
                    <label for="f-age">{t(Msg::AgeLabel)}</label>
                    <input id="f-age" name="age" inputmode="numeric" maxlength="2" value=app.age.map(|a| a.to_string()).unwrap_or_default()/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Age).get()}</p>
                <div class="cell input-cell">
                    <label for="f-years">{t(Msg::YearsExperience)}</label>
                    <input id="f-years" name="years_experience" inputmode="numeric" maxlength="2" value=app.years_experience.to_string()/>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Years).get()}</p>
                <div class="cell cell-multiline">
                    <label for="f-intro">{t(Msg::IntroLabel)}</label>
                    <textarea id="f-intro" name="intro" maxlength="500" rows="3">{app.intro.clone()}</textarea>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Intro).get()}</p>
            </fieldset>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            {(!locked).then(|| view! {
                <button type="submit" class="btn btn-plain btn-block" disabled=move || save.pending().get()>{t(Msg::SaveProfile)}</button>
            })}
            <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
        </ActionForm>
    }
}

/// One document kind: what is uploaded, and a plain multipart form (works
/// before hydration) that posts the file to the upload route.
#[component]
fn DocumentSlot(kind: DocKind, app: ApplicationView) -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query.with(|q| {
            (q.get("kind").as_deref() == Some(kind.as_str())).then(|| q.get("upload_error")).flatten().map(|code| t(upload_error_text(&code)))
        })
    };
    let uploaded = move || query.with(|q| q.get("uploaded").as_deref() == Some(kind.as_str()));
    let docs: Vec<_> = app.documents.iter().filter(|d| d.kind == kind).cloned().collect();
    let input_id = format!("f-doc-{}", kind.as_str());
    view! {
        <section class="doc-slot" data-doc=kind.as_str()>
            <p class="doc-title">{t(doc_label(kind))}{kind.required().then(|| view! { <span class="required">" *"</span> })}</p>
            <div class="doc-thumbs">
                {docs.into_iter().map(|d| { let link = d.url.clone(); view! {
                    <figure class="doc-item">
                        <a href=link target="_blank"><img class="doc-thumb" src=d.url alt=t(doc_label(kind))/></a>
                        {kind.is_certificate().then(|| view! {
                            <figcaption>
                                {(kind == DocKind::Qualification).then(|| view! { {certificate_caption(d.category.as_deref())}<br/> })}
                                <ExpiryCaption expires_on=d.expires_on.clone() expired=d.expired/>
                                {review_caption(&d.review, if kind == DocKind::Health { Msg::HealthPending } else { Msg::CertificatePending })
                                    .map(|r| view! { <br/><span class="doc-review">{r}</span> })}
                            </figcaption>
                        })}
                    </figure>
                } }).collect_view()}
            </div>
            {(app.can_edit || (kind.is_certificate() && app.can_add_certificate)).then(|| view! {
                <form method="post" action=format!("/uploads/worker/{}", kind.as_str()) enctype="multipart/form-data" class="upload-form">
                    {(kind == DocKind::Qualification).then(|| view! {
                        <select name="category" class="doc-category" aria-label=t(Msg::CertificateCategoryLabel)>
                            <option value="">{t(Msg::CertificateCategoryPick)}</option>
                            {app.categories.iter().map(|c| view! { <option value=c.code.clone()>{c.name.clone()}</option> }).collect_view()}
                        </select>
                    })}
                    {kind.is_certificate().then(|| view! {
                        <label class="doc-expiry-field">
                            <span>{t(Msg::ExpiryLabel)}{(!kind.expiry_required()).then(|| format!("（{}）", t(Msg::ExpiryOptionalHint)))}</span>
                            <input type="date" name="expires_on" required=kind.expiry_required()/>
                        </label>
                    })}
                    <crate::components::ImageInput id=input_id class="file-input" label=format!("{} {}", t(Msg::ChooseImage), t(doc_label(kind)))/>
                    <button type="submit" class="btn btn-primary btn-small">{t(Msg::Upload)}</button>
                </form>
            })}
            <p class="field-error" role="alert">{error}</p>
            <Show when=uploaded><p class="toast" role="status">{t(Msg::Uploaded)}</p></Show>
        </section>
    }
}
