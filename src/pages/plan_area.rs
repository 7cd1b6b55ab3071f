use leptos::prelude::*;
use leptos_router::components::A;

use super::set_response_status;
use crate::api::error_message;
use crate::api::plan_area::{PlanAreaAccess, plan_area};
use crate::components::session::use_session;
use crate::tier::Tier;

/// `/plans/<tier>`: content for members whose tier unlocks it. Everyone else gets a 403 page
/// that names the plan they need.
#[component]
pub fn PlanAreaPage(tier: Tier) -> impl IntoView {
    let session = use_session();
    let access = Resource::new(move || session.version(), move |_| plan_area(tier));

    view! {
        <section class="plan-area">
            <Suspense fallback=|| view! { <p>"Checking your plan…"</p> }>
                {move || {
                    access
                        .get()
                        .map(|result| match result {
                            Ok(PlanAreaAccess::Allowed { title, welcome }) => {
                                view! {
                                    <h1>{title}</h1>
                                    <p>{welcome}</p>
                                }
                                    .into_any()
                            }
                            Ok(PlanAreaAccess::Refused { required_plan, logged_in }) => {
                                set_response_status(403);
                                let login = format!("/login?next=%2Fplans%2F{}", tier.as_str());
                                view! {
                                    <h1>"Members only"</h1>
                                    <p>{format!("This page needs the {required_plan} plan")}</p>
                                    <Show when=move || !logged_in>
                                        <p>
                                            "Already a member? "
                                            <A href=login.clone()>"Log in"</A>
                                        </p>
                                    </Show>
                                    <A href="/">"See plans"</A>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <p class="error" role="alert">{error_message(&err)}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}
