use crate::api::catalog_admin::{
    admin_catalog, admin_categories, admin_service, AdminCategoryRow, AdminRemoveServiceVideo, AdminSaveCategory, AdminSaveService, AdminServiceImage, AdminSetCategoryCertificate, AdminSetCategoryListed,
    AdminSetServiceListed, ServiceEditView,
};
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton, VideoClip, VideoUploadForm};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::customer::home::unit_label;
use crate::pages::order_ui::money;
use crate::pages::worker::upload_error_text;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use pricing::Unit;

const UNITS: [Unit; 5] = [Unit::Hour, Unit::Visit, Unit::Appliance, Unit::Day, Unit::Month26];

/// 服务管理: every service with its state; list, delist, edit.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let toggle = ServerAction::<AdminSetServiceListed>::new();
    let services = Resource::new(move || toggle.version().get(), |_| admin_catalog());
    let value = toggle.value();
    view! {
        <AdminShell title=Msg::CatalogTitle>
            <div class="toolbar"><a class="btn btn-primary" href="/admin/catalog/new">{t(Msg::NewService)}</a></div>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match services.await {
                        Ok(rows) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th>{t(Msg::ColumnService)}</th><th>{t(Msg::ColumnCategory)}</th><th>{t(Msg::ColumnPrice)}</th>
                                    <th>{t(Msg::ColumnImages)}</th><th>{t(Msg::ColumnStatus)}</th><th>{t(Msg::ColumnActions)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|s| view! {
                                        <tr data-service=s.id data-listed=s.listed.to_string()>
                                            <td><a href=format!("/admin/catalog/{}", s.id)>{s.name.clone()}</a></td>
                                            <td>{s.category_name.clone()}</td>
                                            <td class="num">{money(s.base_price_fen)}"/"{unit_label(s.unit)}</td>
                                            <td class="num">{s.images}</td>
                                            <td><span class=if s.listed { "status-badge status-ok" } else { "status-badge status-bad" }>
                                                {t(if s.listed { Msg::Listed } else { Msg::Delisted })}</span></td>
                                            <td>
                                                <ActionForm action=toggle attr:class="inline-form">
                                                    <input type="hidden" name="id" value=s.id/>
                                                    <input type="hidden" name="listed" value=(!s.listed).to_string()/>
                                                    <button type="submit" class="btn btn-plain btn-small">{t(if s.listed { Msg::DelistService } else { Msg::ListService })}</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
            <CategoryDesk/>
        </AdminShell>
    }
}

/// 服务分类: rename, delist or relist a category, or create one. Each row
/// is its own form, so saving one never resets another's unsaved edits.
#[component]
fn CategoryDesk() -> impl IntoView {
    let save = ServerAction::<AdminSaveCategory>::new();
    let toggle = ServerAction::<AdminSetCategoryListed>::new();
    let certificate = ServerAction::<AdminSetCategoryCertificate>::new();
    let rows = Resource::new(move || (save.version().get(), toggle.version().get(), certificate.version().get()), |_| admin_categories());
    let value = save.value();
    let toggled = toggle.value();
    view! {
        <section class="panel category-desk">
            <h2 class="section-title">{t(Msg::CategoriesTitle)}</h2>
            <p class="hint">{t(Msg::CategoryDelistedHint)}</p>
            <p class="form-error" role="alert">{move || form_error(value).get().or(form_error(toggled).get())}</p>
            <p class="field-error" id="cat-error" role="alert">{move || {
                field_error(value, Field::CategoryName).get().or(field_error(value, Field::CategoryCode).get()).or(field_error(value, Field::Blurb).get())
            }}</p>
            <Suspense fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) => view! {
                            <table class="table category-table">
                                <thead><tr>
                                    <th>{t(Msg::CategoryCodeLabel)}</th><th>{t(Msg::CategoryNameLabel)}</th><th>{t(Msg::CategoryBlurbLabel)}</th>
                                    <th>{t(Msg::ColumnStatus)}</th><th>{t(Msg::ColumnActions)}</th>
                                </tr></thead>
                                <tbody>{rows.into_iter().map(|c| view! { <CategoryRow c save toggle certificate/> }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
            <h3 class="section-title">{t(Msg::NewCategory)}</h3>
            <ActionForm action=save attr:class="inline-form category-new">
                <input type="hidden" name="id" value="0"/>
                <input name="code" maxlength="30" aria-label=t(Msg::CategoryCodeLabel) placeholder="pet_care"/>
                <input name="name" maxlength="10" aria-label=t(Msg::CategoryNameLabel) placeholder=t(Msg::CategoryNameLabel)/>
                <input name="blurb" maxlength="40" aria-label=t(Msg::CategoryBlurbLabel) placeholder=t(Msg::CategoryBlurbLabel)/>
                <button type="submit" class="btn btn-primary btn-small">{t(Msg::CreateCategory)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CategoryRow(
    c: AdminCategoryRow,
    save: ServerAction<AdminSaveCategory>,
    toggle: ServerAction<AdminSetCategoryListed>,
    certificate: ServerAction<AdminSetCategoryCertificate>,
) -> impl IntoView {
    let needs_certificate = c.requires_certificate;
    let form_id = format!("cat-{}", c.id);
    let name_label = format!("{} {}", c.code, t(Msg::CategoryNameLabel));
    let blurb_label = format!("{} {}", c.code, t(Msg::CategoryBlurbLabel));
    let (id, listed, code) = (c.id, c.listed, c.code.clone());
    view! {
        <tr data-category=c.code.clone()>
            <td class="num">{c.code.clone()}</td>
            <td><input form=form_id.clone() name="name" maxlength="10" value=c.name.clone() aria-label=name_label/></td>
            <td><input form=form_id.clone() name="blurb" maxlength="40" value=c.blurb.clone() aria-label=blurb_label/></td>
            <td><span class=if c.listed { "status-badge status-ok" } else { "status-badge status-bad" }>
                {t(if c.listed { Msg::Listed } else { Msg::Delisted })}</span>
                " "<span class="muted">{c.listed_services}</span>
                {needs_certificate.then(|| view! { " "<span class="tag" data-certificate="required">{t(Msg::CertificateRequired)}</span> })}</td>
            <td class="row-actions">
                <ActionForm action=save attr:id=form_id attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="code" value=code/>
                    <button type="submit" class="btn btn-plain btn-small">{t(Msg::Save)}</button>
                </ActionForm>
                <ActionForm action=toggle attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="listed" value=(!listed).to_string()/>
                    <button type="submit" class="btn btn-plain btn-small">{t(if listed { Msg::DelistCategory } else { Msg::ListCategory })}</button>
                </ActionForm>
                <ActionForm action=certificate attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="required" value=(!needs_certificate).to_string()/>
                    <button type="submit" class="btn btn-plain btn-small">
                        {t(if needs_certificate { Msg::WaiveCertificate } else { Msg::RequireCertificate })}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// 新建服务 / 编辑服务: content and price on the left; pictures and listing
/// on the right, refreshed on their own so unsaved edits are never reset.
#[component]
pub fn ServiceEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let save = ServerAction::<AdminSaveService>::new();
    let images = ServerAction::<AdminServiceImage>::new();
    let toggle = ServerAction::<AdminSetServiceListed>::new();
    let remove_video = ServerAction::<AdminRemoveServiceVideo>::new();
    let form = Resource::new(id, admin_service);
    let side = Resource::new(
        move || (id(), images.version().get(), toggle.version().get(), remove_video.version().get()),
        |(id, ..)| admin_service(id),
    );
    let navigate = use_navigate();
    crate::browser::forget_notice_query(&["uploaded", "upload_error", "video_error"]);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if id() == 0 {
                navigate(&format!("/admin/catalog/{saved}"), Default::default());
            }
        }
    });
    view! {
        <AdminShell title=Msg::EditServiceTitle>
            <p><a class="back-link" href="/admin/catalog">{t(Msg::BackToCatalog)}</a></p>
            <div class="admin-columns service-editor">
                <Suspense fallback=|| view! { <Skeleton rows=8/> }>
                    {move || Suspend::new(async move {
                        match form.await {
                            Ok(s) => view! { <ServiceForm s save/> }.into_any(),
                            Err(error) => view! { <ErrorState error/> }.into_any(),
                        }
                    })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match side.await {
                            Ok(s) => view! { <PicturesAndListing s images toggle remove_video/> }.into_any(),
                            Err(_) => ().into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </AdminShell>
    }
}

#[component]
fn ServiceForm(s: ServiceEditView, save: ServerAction<AdminSaveService>) -> impl IntoView {
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(_)));
    let err = move |field| field_error(value, field);
    let id = s.id.unwrap_or(0);
    view! {
            <section class="panel">
                {s.id.is_none().then(|| view! { <p class="hint">{t(Msg::NewServiceHint)}</p> })}
                <ActionForm action=save attr:class="form admin-form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <label for="f-category">{t(Msg::ColumnCategory)}</label>
                    <select id="f-category" name="category_code">
                        {s.categories.iter().map(|c| view! { <option value=c.code.clone() selected=c.code == s.category_code>{c.name.clone()}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{err(Field::Category)}</p>
                    <label for="f-service-name">{t(Msg::ServiceNameLabel)}</label>
                    <input id="f-service-name" name="name" maxlength="30" value=s.name.clone()/>
                    <p class="field-error" id="f-service-name-error" role="alert">{err(Field::ServiceName)}</p>
                    <label for="f-summary">{t(Msg::SummaryLabel)}</label>
                    <input id="f-summary" name="summary" maxlength="60" value=s.summary.clone()/>
                    <p class="field-error" role="alert">{err(Field::Summary)}</p>
                    <label for="f-content">{t(Msg::ContentLabel)}</label>
                    <textarea id="f-content" name="content" rows="4" maxlength="2000">{s.content.clone()}</textarea>
                    <p class="field-error" role="alert">{err(Field::Content)}</p>
                    <label for="f-steps">{t(Msg::StepsLabel)}</label>
                    <textarea id="f-steps" name="process_steps" rows="4">{s.process_steps.clone()}</textarea>
                    <p class="field-error" role="alert">{err(Field::Steps)}</p>
                    <p class="hint">{t(Msg::StepsChecklistHint)}</p>
                    <label class="check-label"><input type="checkbox" id="f-proof-photos" name="proof_photos" value="on" checked=s.proof_photos/>{t(Msg::ProofPhotosLabel)}</label>
                    <label for="f-supplies">{t(Msg::SuppliesLabel)}</label>
                    <input id="f-supplies" name="supplies" maxlength="300" value=s.supplies.clone()/>
                    <p class="field-error" role="alert">{err(Field::Supplies)}</p>
                    <label for="f-quals">{t(Msg::QualificationsLabel)}</label>
                    <input id="f-quals" name="qualifications" maxlength="300" value=s.qualifications.clone()/>
                    <p class="field-error" role="alert">{err(Field::Qualifications)}</p>
                    <div class="form-row">
                        <div>
                            <label for="f-unit">{t(Msg::UnitLabel)}</label>
                            <select id="f-unit" name="unit">
                                {UNITS.into_iter().map(|u| view! { <option value=u.as_str() selected=u == s.unit>{unit_label(u)}</option> }).collect_view()}
                            </select>
                        </div>
                        <div>
                            <label for="f-price">{t(Msg::PriceLabel)}</label>
                            <input id="f-price" name="price" inputmode="decimal" value=s.price_yuan.clone()/>
                        </div>
                        <div>
                            <label for="f-default-units">{t(Msg::DefaultUnitsLabel)}</label>
                            <input id="f-default-units" name="default_units" inputmode="numeric" value=s.default_units.to_string()/>
                        </div>
                        <div>
                            <label for="f-min-units">{t(Msg::MinUnitsLabel)}</label>
                            <input id="f-min-units" name="min_units" inputmode="numeric" value=s.min_units.to_string()/>
                        </div>
                    </div>
                    <p class="field-error" id="f-price-error" role="alert">{err(Field::Amount)}</p>
                    <label for="f-addons">{t(Msg::AddOnsLabel)}</label>
                    <textarea id="f-addons" name="addons" rows="3" placeholder=t(Msg::AddOnsPlaceholder)>{s.addons.clone()}</textarea>
                    <p class="field-error" id="f-addons-error" role="alert">{move || match value.get() {
                        Some(Err(e)) if e.field() == Some(Field::AddOns) => Some(e.located_message()),
                        _ => None,
                    }}</p>
                    <p class="field-error" role="alert">{move || err(Field::Units).get().or(err(Field::MinUnits).get())}</p>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t(Msg::Save)}</button>
                    <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
                </ActionForm>
            </section>
    }
}

#[component]
fn PicturesAndListing(
    s: ServiceEditView,
    images: ServerAction<AdminServiceImage>,
    toggle: ServerAction<AdminSetServiceListed>,
    remove_video: ServerAction<AdminRemoveServiceVideo>,
) -> impl IntoView {
    let toggle_value = toggle.value();
    let query = use_query_map();
    let upload_error = move || query.with(|q| q.get("upload_error")).map(|code| t(upload_error_text(&code)));
    let video_error = move || query.with(|q| q.get("video_error")).map(|code| t(upload_error_text(&code)));
    let video_uploaded = move || query.with(|q| q.get("uploaded").as_deref() == Some("video"));
    let remove_video_value = remove_video.value();
    let video = s.video.clone();
    let listed = s.listed;
    s.id.map(|id| view! {
                <section class="panel">
                    <h2 class="section-title">{t(Msg::ImagesTitle)}</h2>
                    <p class="hint">{t(Msg::ImagesHint)}</p>
                    <div class="doc-grid">
                        {s.images.into_iter().enumerate().map(|(i, img)| {
                            let link = img.url.clone();
                            view! {
                                <figure class="doc-figure service-image">
                                    <img src=link alt=t(Msg::ImagesTitle)/>
                                    <figcaption>
                                        {(i == 0).then(|| view! { <span class="tag">{t(Msg::CoverBadge)}</span> })}
                                        <ActionForm action=images attr:class="inline-form">
                                            <input type="hidden" name="service_id" value=id/>
                                            <input type="hidden" name="image_id" value=img.id/>
                                            {(i > 0).then(|| view! { <button type="submit" name="action" value="cover" class="btn btn-plain btn-small">{t(Msg::MakeCover)}</button> })}
                                            <button type="submit" name="action" value="remove" class="btn btn-danger-plain btn-small">{t(Msg::RemoveImage)}</button>
                                        </ActionForm>
                                    </figcaption>
                                </figure>
                            }
                        }).collect_view()}
                    </div>
                    <form method="post" action=format!("/uploads/service/{id}") enctype="multipart/form-data" class="upload-form">
                        <crate::components::ImageInput id="f-service-image".to_string() label=t(Msg::ImagesTitle).to_string()/>
                        <button type="submit" class="btn btn-primary btn-small">{t(Msg::Upload)}</button>
                    </form>
                    <p class="field-error" role="alert">{upload_error}</p>
                    <h2 class="section-title" id="service-video">{t(Msg::ServiceVideoTitle)}</h2>
                    <p class="hint">{t(Msg::ServiceVideoHint)}</p>
                    {video.map(|src| view! {
                        <VideoClip src label=Msg::ServiceVideoLabel/>
                        <ActionForm action=remove_video attr:class="inline-form">
                            <input type="hidden" name="service_id" value=id/>
                            <button type="submit" class="btn btn-danger-plain btn-small">{t(Msg::RemoveServiceVideo)}</button>
                        </ActionForm>
                    })}
                    <VideoUploadForm action=format!("/uploads/service/{id}/video") label=Msg::ServiceVideoTitle button=Msg::Upload button_class="btn btn-primary btn-small"/>
                    <p class="field-error" role="alert">{video_error}</p>
                    <p class="form-error" role="alert">{move || form_error(remove_video_value).get()}</p>
                    {move || video_uploaded().then(|| view! { <p class="toast" role="status">{t(Msg::ServiceVideoUploaded)}</p> })}
                    <h2 class="section-title">{t(Msg::ColumnStatus)}</h2>
                    <ActionForm action=toggle attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="listed" value=(!listed).to_string()/>
                        <span class=if listed { "status-badge status-ok" } else { "status-badge status-bad" } data-listed=listed.to_string()>
                            {t(if listed { Msg::Listed } else { Msg::Delisted })}</span>
                        " "
                        <button type="submit" class="btn btn-plain btn-small">{t(if listed { Msg::DelistService } else { Msg::ListService })}</button>
                    </ActionForm>
                    <p class="form-error" role="alert">{move || form_error(toggle_value).get()}</p>
                </section>
    })
}
