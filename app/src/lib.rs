#![recursion_limit = "256"]
//! Daojia's Leptos application: pages grouped by role, server functions
//! grouped by capability. Rendered on the server, then hydrated.

pub mod api;
pub mod browser;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pages::{admin, auth, customer, worker};

/// The HTML document around the app, rendered once per request on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#1a73e8"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Shares one `/live` stream among everything on a page (see [`browser::LiveHub`]).
#[component]
fn LiveStream(children: Children) -> impl IntoView {
    browser::LiveHub::provide();
    children()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the page interactive once hydrated (browser tests wait for it).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/daojia.css"/>
        <Title text=t(Msg::AppName)/>
        <Router>
            <LiveStream>
            <Routes fallback=|| view! { <pages::NotFound/> }>
                <Route path=path!("/") view=customer::HomePage/>
                <Route path=path!("/me") view=customer::MePage/>
                <Route path=path!("/me/favorites") view=customer::FavoritesPage/>
                <Route path=path!("/me/addresses") view=customer::AddressesPage/>
                <Route path=path!("/me/coupons") view=customer::CouponsPage/>
                <Route path=path!("/me/reminders") view=customer::RemindersPage/>
                <Route path=path!("/me/feedback") view=customer::FeedbackPage/>
                <Route path=path!("/me/support") view=customer::SupportPage/>
                <Route path=path!("/me/placements") view=customer::PlacementsPage/>
                <Route path=path!("/services/:id") view=customer::ServicePage/>
                <Route path=path!("/book/:id") view=customer::BookPage/>
                <Route path=path!("/pay/:id") view=customer::PayPage/>
                <Route path=path!("/orders") view=customer::OrdersPage/>
                <Route path=path!("/orders/:id") view=customer::OrderPage/>
                <Route path=path!("/orders/:id/chat") view=customer::OrderChatPage/>
                <Route path=path!("/login") view=auth::LoginPage/>
                <Route path=path!("/login/code") view=auth::CodeLoginPage/>
                <Route path=path!("/login/reset") view=auth::ResetPasswordPage/>
                <Route path=path!("/register") view=auth::RegisterPage/>
                <Route path=path!("/worker/register") view=worker::WorkerRegisterPage/>
                <Route path=path!("/worker") view=worker::WorkerHomePage/>
                <Route path=path!("/worker/me") view=worker::WorkerMePage/>
                <Route path=path!("/worker/messages") view=worker::WorkerMessagesPage/>
                <Route path=path!("/worker/settings") view=worker::WorkerSettingsPage/>
                <Route path=path!("/worker/apply") view=worker::ApplyPage/>
                <Route path=path!("/worker/earnings") view=worker::EarningsPage/>
                <Route path=path!("/worker/assessment") view=worker::AssessmentPage/>
                <Route path=path!("/worker/appeals") view=worker::AppealsPage/>
                <Route path=path!("/worker/interviews") view=worker::InterviewsPage/>
                <Route path=path!("/worker/withdraw") view=worker::WithdrawPage/>
                <Route path=path!("/worker/orders/:id/chat") view=worker::WorkerOrderChatPage/>
                <Route path=path!("/admin") view=admin::DashboardPage/>
                <Route path=path!("/admin/users") view=admin::UsersPage/>
                <Route path=path!("/admin/users/:id") view=admin::CustomerPage/>
                <Route path=path!("/admin/feedback") view=admin::FeedbackListPage/>
                <Route path=path!("/admin/feedback/:id") view=admin::FeedbackDetailPage/>
                <Route path=path!("/admin/audit") view=admin::AuditLogPage/>
                <Route path=path!("/admin/support") view=admin::SupportInboxPage/>
                <Route path=path!("/admin/support/:id") view=admin::SupportThreadPage/>
                <Route path=path!("/admin/workers") view=admin::WorkersPage/>
                <Route path=path!("/admin/workers/:id") view=admin::WorkerApplicationPage/>
                <Route path=path!("/admin/assessment") view=admin::AssessmentPage/>
                <Route path=path!("/admin/appeals") view=admin::AppealsPage/>
                <Route path=path!("/admin/placements") view=admin::PlacementsPage/>
                <Route path=path!("/admin/analytics") view=admin::AnalyticsPage/>
                <Route path=path!("/admin/orders") view=admin::AdminOrdersPage/>
                <Route path=path!("/admin/orders/:id") view=admin::AdminOrderPage/>
                <Route path=path!("/admin/dispatch") view=admin::DispatchQueuePage/>
                <Route path=path!("/admin/finance") view=admin::FinancePage/>
                <Route path=path!("/admin/pricing") view=admin::PricingPage/>
                <Route path=path!("/admin/dispatch/settings") view=admin::DispatchSettingsPage/>
                <Route path=path!("/admin/dispatch/plan") view=admin::DayPlanPage/>
                <Route path=path!("/admin/catalog") view=admin::CatalogPage/>
                <Route path=path!("/admin/catalog/new") view=admin::ServiceEditPage/>
                <Route path=path!("/admin/catalog/:id") view=admin::ServiceEditPage/>
            </Routes>
            </LiveStream>
        </Router>
    }
}
