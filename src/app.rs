//! The HTML shell, the router and the parts every page shares.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::nav::Nav;
use crate::components::session::provide_session;
use crate::pages::account::AccountPage;
use crate::pages::checkout_success::CheckoutSuccessPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::plan_area::PlanAreaPage;
use crate::pages::pricing::PricingPage;
use crate::pages::signup::SignupPage;
use crate::tier::Tier;

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();

    view! {
        <Stylesheet id="leptos" href="/pkg/stacker.css" />
        <Title text="stacker" />
        <Router>
            <Nav />
            <main>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=PricingPage />
                    <Route path=path!("/signup") view=SignupPage />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/checkout/success") view=CheckoutSuccessPage />
                    <Route
                        path=path!("/plans/lightning")
                        view=|| view! { <PlanAreaPage tier=Tier::Lightning /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/plans/core")
                        view=|| view! { <PlanAreaPage tier=Tier::Core /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/plans/spark")
                        view=|| view! { <PlanAreaPage tier=Tier::Spark /> }
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
    }
}
