//! A group's students, each opening their card.

use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::records::api::students_of_group;
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn GroupStudentsPage() -> impl IntoView {
    view! { <RequireUser><GroupStudents/></RequireUser> }
}

#[component]
fn GroupStudents() -> impl IntoView {
    let id = crate::ui::id_param();
    let group = Resource::new(id, students_of_group);
    let locale = use_locale();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || group.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(g) => {
                    let profile = g.group.profile.clone();
                    view! {
                        <section class="card">
                            <h1>{g.group.name.clone()}</h1>
                            <p class="muted">{g.college.clone()}</p>
                            <p data-testid="group-profile-line">{move || super::profile_text(&profile, locale.get())}" · "
                                <A href=format!("/admin/groups/{}", g.group.id)>{t(Msg::GroupProfileTitle)}</A></p>
                            {if g.students.is_empty() {
                                view! { <p class="muted">{t(Msg::RecNoStudents)}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="list" data-testid="group-students">
                                        <thead><tr><th>{t(Msg::FullName)}</th><th>{t(Msg::Iin)}</th></tr></thead>
                                        <tbody>
                                            {g.students.into_iter().map(|s| view! {
                                                <tr>
                                                    <td data-label=move || Msg::FullName.text(locale.get())><A href=format!("/records/students/{}", s.id)>{s.full_name.clone()}</A></td>
                                                    <td data-label=move || Msg::Iin.text(locale.get())>{s.iin.clone()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
