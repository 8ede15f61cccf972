//! The signed-in person's notification settings (PLT-3): per kind of event, the channels
//! (in-app, email, SMS) to be told on. Reachable from the profile. A channel without a confirmed
//! contact is shown off and disabled, with the reason. Each person reads and changes only their
//! own settings: the server functions take no user id.

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::notify::model::{Channel, Preferences};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::db::Db;
    use crate::error::AppError;
    use crate::notify::model::{Channel, ChannelChoice, EventKind, KindChoices, Preferences};
    use crate::notify::store::preferences as stored;

    /// The person's settings: stored choices over the defaults; a channel without a contact
    /// is off whatever was chosen.
    pub async fn preferences_of(db: &Db, user_id: i64) -> Result<Preferences, AppError> {
        let r = stored::recipient(db, user_id).await?.ok_or(AppError::NotFound)?;
        let choices = stored::choices(db, user_id).await?;
        let (has_email, has_phone) = (r.email.is_some(), r.phone.is_some());
        let kinds = EventKind::ALL
            .into_iter()
            .map(|kind| KindChoices {
                kind,
                channels: Channel::ALL
                    .into_iter()
                    .map(|channel| {
                        let reachable = match channel {
                            Channel::InApp => true,
                            Channel::Email => has_email,
                            Channel::Sms => has_phone,
                        };
                        let chosen = choices
                            .iter()
                            .find(|c| c.kind == kind.code() && c.channel == channel.code())
                            .map_or(kind.default_on(channel), |c| c.enabled == 1);
                        ChannelChoice { channel, on: reachable && chosen }
                    })
                    .collect(),
            })
            .collect();
        Ok(Preferences { kinds, has_email, has_phone })
    }
}
#[cfg(feature = "ssr")]
pub use ssr::preferences_of;

/// The caller's own settings.
#[server(prefix = "/api", endpoint = "notify/preferences")]
pub async fn my_notice_preferences() -> Result<Preferences, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        preferences_of(&st.db, caller.user_id).await
    })
    .await
}

/// Turns one channel on or off for one kind of event, for the caller only. Turning on a
/// channel the caller has no confirmed contact for is refused with the reason. Saving the same
/// choice again changes nothing and writes no audit row.
#[server(prefix = "/api", endpoint = "notify/preferences/set")]
pub async fn set_notice_preference(kind: String, channel: String, on: bool) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let kind = crate::notify::model::EventKind::from_code(&kind).ok_or(AppError::BadRequest)?;
        let channel = Channel::from_code(&channel).ok_or(AppError::BadRequest)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        // The same choice sent twice at once: the second finds it made (one audit row).
        st.db.lock_row(&mut tx, "users", caller.user_id).await?;
        if on {
            let r = crate::notify::store::preferences::recipient_in(&mut tx, caller.user_id).await?.ok_or(AppError::NotFound)?;
            match channel {
                Channel::Email if r.email.is_none() => return Err(AppError::Refused(Msg::NoticeNoEmail)),
                Channel::Sms if r.phone.is_none() => return Err(AppError::Refused(Msg::NoticeNoPhone)),
                _ => {}
            }
        }
        let before = crate::notify::store::preferences::set_choice(&mut tx, caller.user_id, kind.code(), channel.code(), on, now).await?;
        if before.unwrap_or(kind.default_on(channel)) != on || before.is_none() {
            crate::audit::store::record(
                &mut tx,
                crate::audit::store::Entry {
                    before: before.map(|b| serde_json::json!({ "kind": kind.code(), "channel": channel.code(), "on": b })),
                    after: Some(serde_json::json!({ "kind": kind.code(), "channel": channel.code(), "on": on })),
                    ..crate::audit::store::Entry::user("notify.preference", Some(caller.user_id), &caller.ip, caller.user_id)
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

fn channel_label(c: Channel) -> Msg {
    match c {
        Channel::InApp => Msg::NoticeChannelInApp,
        Channel::Email => Msg::NoticeChannelEmail,
        Channel::Sms => Msg::NoticeChannelSms,
    }
}

/// The link on the profile page.
#[component]
pub fn NoticeSettingsLink() -> impl IntoView {
    view! { <p><a href="/notifications" data-testid="notice-settings-link">{t(Msg::NoticeSettings)}</a></p> }
}

#[component(transparent)]
pub fn NoticeRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! { <Route path=path!("/notifications") view=NoticeSettingsPage/> }.into_inner()
}

#[component]
pub fn NoticeSettingsPage() -> impl IntoView {
    view! { <crate::auth::shell::RequireUser><NoticeSettings/></crate::auth::shell::RequireUser> }
}

#[component]
fn NoticeSettings() -> impl IntoView {
    let set = ServerAction::<SetNoticePreference>::new();
    let prefs = Resource::new(move || set.version().get(), |_| my_notice_preferences());
    let error = crate::ui::action_error(set);
    let saved = Signal::derive(move || matches!(set.value().get(), Some(Ok(()))) && !set.pending().get());
    view! {
        <section class="card" data-testid="notice-settings">
            <h1>{t(Msg::NoticeSettings)}</h1>
            <p class="hint">{t(Msg::NoticeSettingsIntro)}</p>
            <crate::ui::FormStatus error=error ok=(saved, Msg::NoticeSaved)/>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || prefs.get().map(|r| match r {
                    Err(e) => view! { <crate::ui::ErrorNote error=e/> }.into_any(),
                    Ok(p) => view! { <PreferencesTable p=p set=set/> }.into_any(),
                })}
            </Transition>
            <p><a href="/profile">{t(Msg::Profile)}</a>" · "<a href="/inbox">{t(Msg::Inbox)}</a></p>
        </section>
    }
}

#[component]
fn PreferencesTable(p: Preferences, set: ServerAction<SetNoticePreference>) -> impl IntoView {
    let (has_email, has_phone) = (p.has_email, p.has_phone);
    let reachable = move |c: Channel| match c {
        Channel::InApp => true,
        Channel::Email => has_email,
        Channel::Sms => has_phone,
    };
    view! {
        <table class="notice-prefs">
            <thead>
                <tr>
                    <th scope="col">{t(Msg::NoticeEvent)}</th>
                    {Channel::ALL.into_iter().map(|c| view! { <th scope="col">{t(channel_label(c))}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {p.kinds.into_iter().map(|k| {
                    let kind = k.kind;
                    view! {
                        <tr data-kind=kind.code()>
                            <th scope="row">{t(kind.label())}</th>
                            {k.channels.into_iter().map(|c| {
                                let channel = c.channel;
                                let id = format!("np-{}-{}", kind.code(), channel.code());
                                view! {
                                    <td>
                                        <input type="checkbox" id=id.clone() data-channel=channel.code()
                                            checked=c.on
                                            disabled=move || !reachable(channel) || set.pending().get()
                                            on:change=move |ev| {
                                                set.dispatch(SetNoticePreference {
                                                    kind: kind.code().to_string(),
                                                    channel: channel.code().to_string(),
                                                    on: event_target_checked(&ev),
                                                });
                                            }/>
                                        <label for=id class="sr-only">{t(channel_label(channel))}</label>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(!has_email).then(|| view! { <p class="hint" data-testid="notice-no-email">{t(Msg::NoticeNoEmail)}</p> })}
        {(!has_phone).then(|| view! { <p class="hint" data-testid="notice-no-phone">{t(Msg::NoticeNoPhone)}</p> })}
    }
}
