//! The Góp ý – Phản ánh screen: intake from every channel, the register with "Còn x ngày" /
//! "Quá x ngày" (overdue first, and listed on their own), each item's steps and answer, and the
//! chairman's citizen-reception days (`reception`).

use crate::api;
use crate::front_desk::parse_day;
use crate::i18n::t;
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::feedback::{
    Channel, DeadlineState, FeedbackBoxSession, FeedbackInput, FeedbackItem, Kind, Notice, Status,
};
use thanthien_core::ipc::{CommandError, MailboxStatus};
use thanthien_core::visit::InputField;
use uuid::Uuid;

use crate::show::{day_of as day, field_error as field_message};

#[component]
pub fn FeedbackScreen(may_schedule: bool) -> impl IntoView {
    let live = crate::live::live();
    let loaded = crate::live::registers_resource(api::feedback_register);
    let items = crate::live::loaded(loaded);
    let selected = RwSignal::new(None::<Uuid>);
    let refresh = move || live.wrote();
    let current = Memo::new(move |_| selected.get().and_then(|id| items.get().into_iter().find(|i| i.id == id)));
    view! {
        <div class="column">
            <FeedbackForm on_saved=move |item: FeedbackItem| { selected.set(Some(item.id)); refresh(); } />
            {move || current.get().map(|item| view! { <FeedbackDetail item=item on_changed=refresh /> })}
            <Mailbox on_read=refresh />
            <crate::reception::ReceptionCard may_schedule=may_schedule />
        </div>
        <div class="column">
            <crate::live::LoadProblem resource=loaded what=t().screen_feedback />
            <Overdue items=items selected=selected />
            <Register items=items selected=selected />
        </div>
    }
}

#[component]
fn FeedbackForm(on_saved: impl Fn(FeedbackItem) + Copy + 'static) -> impl IntoView {
    let channel = RwSignal::new(Channel::Box.wire().to_owned());
    let kind = RwSignal::new(Kind::Recommendation.wire().to_owned());
    let received_on = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let submitter = RwSignal::new(String::new());
    let hide_name = RwSignal::new(false);
    let contact = RwSignal::new(String::new());
    let official = RwSignal::new(String::new());
    let box_session = RwSignal::new(String::new());
    let sessions = RwSignal::new(Vec::<FeedbackBoxSession>::new());
    let load_sessions = move || {
        spawn_local(async move {
            if let Ok(list) = api::feedback_box_sessions().await {
                sessions.set(list);
            }
        })
    };
    load_sessions();
    let error = RwSignal::new(None::<CommandError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed_day = received_on.get_untracked();
        let day = if typed_day.trim().is_empty() {
            None
        } else {
            match parse_day(&typed_day) {
                Ok(d) => Some(d),
                Err(e) => return error.set(Some(e)),
            }
        };
        let input = FeedbackInput {
            channel: channel.get_untracked(),
            kind: kind.get_untracked(),
            content: content.get_untracked(),
            submitter: Some(submitter.get_untracked()),
            hide_name: hide_name.get_untracked(),
            contact: Some(contact.get_untracked()),
            official: Some(official.get_untracked()),
            box_session: (channel.get_untracked() == Channel::Box.wire())
                .then(|| box_session.get_untracked().parse::<Uuid>().ok())
                .flatten(),
            ..Default::default()
        };
        spawn_local(async move {
            match api::add_feedback(&input, day).await {
                Ok(item) => {
                    load_sessions();
                    error.set(None);
                    for field in [received_on, content, submitter, contact, official] {
                        field.set(String::new());
                    }
                    hide_name.set(false);
                    on_saved(item);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="feedback-form">
            <h2>{t().new_feedback}</h2>
            <form on:submit=submit novalidate>
                <div class="two">
                    <div>
                        <label for="feedback-channel">{t().channel}</label>
                        <select id="feedback-channel" prop:value=channel on:change=move |ev| channel.set(event_target_value(&ev))>
                            {Channel::ALL.iter().map(|c| view! { <option value=c.wire()>{c.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="feedback-kind">{t().kind}</label>
                        <select id="feedback-kind" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                            {Kind::ALL.iter().map(|k| view! { <option value=k.wire()>{k.label()}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                {move || (channel.get() == Channel::Box.wire()).then(|| view! {
                    <label for="feedback-box-session">{t().box_session}</label>
                    <select id="feedback-box-session" prop:value=box_session on:change=move |ev| box_session.set(event_target_value(&ev))>
                        <option value="">{t().no_box_session}</option>
                        <For each=move || sessions.get() key=|s| (s.id, s.entered) let:s>
                            // Options come and go as letters are entered: each says itself whether it is chosen.
                            <option value=s.id.to_string() prop:selected=move || box_session.get() == s.id.to_string()>
                                {format!("{} · {}/{} {}", day(s.opened_at), s.entered, s.letters, t().entered)}
                            </option>
                        </For>
                    </select>
                    <BoxOpening on_opened=move |s: FeedbackBoxSession| {
                        box_session.set(s.id.to_string());
                        load_sessions();
                    } />
                })}
                <label for="feedback-received-on">{t().received_on}</label>
                <input id="feedback-received-on" autocomplete="off" placeholder=move || day(Utc::now())
                    prop:value=received_on on:input=move |ev| received_on.set(event_target_value(&ev)) />
                <label for="feedback-content">{t().content}</label>
                <textarea id="feedback-content" rows="4" placeholder=t().content_hint
                    aria-invalid=move || field_message(error, InputField::Content).is_some().to_string()
                    prop:value=content on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                {move || field_message(error, InputField::Content).map(|m| view! { <div class="field-error" id="feedback-content-error">{m}</div> })}
                <label for="feedback-submitter">{t().submitter}</label>
                <input id="feedback-submitter" autocomplete="off"
                    prop:value=submitter on:input=move |ev| submitter.set(event_target_value(&ev)) />
                {move || field_message(error, InputField::Name).map(|m| view! { <div class="field-error">{m}</div> })}
                <label class="check"><input type="checkbox" id="feedback-hide-name" prop:checked=hide_name
                    on:change=move |ev| hide_name.set(event_target_checked(&ev)) />{t().hide_name}</label>
                <label for="feedback-contact">{t().contact}</label>
                <input id="feedback-contact" autocomplete="off"
                    prop:value=contact on:input=move |ev| contact.set(event_target_value(&ev)) />
                <label for="feedback-official">{t().concerns_official}</label>
                <input id="feedback-official" autocomplete="off"
                    prop:value=official on:input=move |ev| official.set(event_target_value(&ev)) />
                <button id="save-feedback" class="primary" type="submit">{t().save_feedback}</button>
                {crate::show::form_error(error)}
            </form>
        </section>
    }
}

fn left_class(item: &FeedbackItem) -> &'static str {
    match item.deadline.state {
        DeadlineState::Open { days_left } if days_left < 0 => "left overdue",
        DeadlineState::Open { days_left } if days_left <= 2 => "left soon",
        DeadlineState::MetLate { .. } => "left late",
        _ => "left",
    }
}

/// The overdue items on their own, so none hides further down the register.
#[component]
fn Overdue(items: Signal<Vec<FeedbackItem>>, selected: RwSignal<Option<Uuid>>) -> impl IntoView {
    let overdue = Memo::new(move |_| items.get().into_iter().filter(|i| i.deadline.is_overdue()).collect::<Vec<_>>());
    view! {
        <section class="overdue-feedback" id="overdue-feedback" class:has-overdue=move || !overdue.get().is_empty()>
            <h2>{t().overdue_list}" ("{move || overdue.get().len()}")"</h2>
            {move || if overdue.get().is_empty() {
                view! { <p class="empty">{t().none_overdue}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        <For each=move || overdue.get() key=|i| (i.id, i.deadline_label.clone()) let:item>
                            <li data-id=item.id.to_string()>
                                <button class="link" on:click=move |_| selected.set(Some(item.id))>
                                    <span class="left overdue">{item.deadline_label.clone()}</span>" · "
                                    {item.kind.label()}" · "{item.content.chars().take(60).collect::<String>()}
                                </button>
                            </li>
                        </For>
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Register(items: Signal<Vec<FeedbackItem>>, selected: RwSignal<Option<Uuid>>) -> impl IntoView {
    view! {
        <section class="register">
            <h2>{t().register}</h2>
            {move || if items.get().is_empty() {
                view! { <p class="empty">{t().no_feedback}</p> }.into_any()
            } else {
                view! {
                    <table id="feedback-register">
                        <thead><tr>
                            <th>{t().col_received}</th><th>{t().col_kind}</th><th>{t().col_content}</th>
                            <th>{t().col_status}</th><th>{t().col_due}</th><th>{t().col_left}</th>
                        </tr></thead>
                        <tbody>
                            <For each=move || items.get() key=|i| (i.id, i.status, i.deadline_label.clone()) let:item>
                                <tr data-id=item.id.to_string() class:selected=move || selected.get() == Some(item.id)>
                                    <td class="time">{day(item.received_at)}<div class="muted">{item.channel.label()}</div></td>
                                    <td>{item.kind.label()}</td>
                                    <td><button class="link" on:click=move |_| selected.set(Some(item.id))>
                                        {item.content.chars().take(80).collect::<String>()}
                                    </button></td>
                                    <td class="status">{item.status.label()}</td>
                                    <td class="time">{item.deadline.due.map(crate::show::day).unwrap_or_default()}</td>
                                    <td class=left_class(&item)>{item.deadline_label.clone()}</td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// One item: its deadline and legal source, the steps it can take, and the answer form.
#[component]
fn FeedbackDetail(item: FeedbackItem, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let id = item.id;
    let error = RwSignal::new(None::<CommandError>);
    let by = RwSignal::new(String::new());
    let via = RwSignal::new(Notice::Letter.wire().to_owned());
    let reply = RwSignal::new(String::new());
    let step = move |status: Status| {
        let who = by.get_untracked();
        spawn_local(async move {
            let who = (!who.trim().is_empty()).then_some(who);
            match api::set_feedback_status(id, status, who.as_deref(), None).await {
                Ok(_) => {
                    error.set(None);
                    on_changed();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let answer = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (who, how, text) = (by.get_untracked(), via.get_untracked(), reply.get_untracked());
        let Ok(how) = Notice::parse(&how) else { return };
        spawn_local(async move {
            match api::answer_feedback(id, &who, how, &text).await {
                Ok(_) => {
                    error.set(None);
                    reply.set(String::new());
                    on_changed();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let code = RwSignal::new(item.national_code.clone().unwrap_or_default());
    let save_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        spawn_local(async move {
            match api::code_feedback(id, &typed).await {
                Ok(_) => {
                    error.set(None);
                    on_changed();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rule = thanthien_core::feedback::rule(item.kind);
    let finished = item.status.is_finished();
    let steps: Vec<(Status, &'static str, &'static str)> = if finished {
        vec![(Status::Closed, "fb-close", t().close_item)]
    } else {
        vec![
            (Status::Accepted, "fb-accept", t().accept),
            (Status::Extended, "fb-extend", t().extend),
            match item.resumes_to {
                Some(back) => (back, "fb-resume", t().resume),
                None => (Status::AwaitingSupplement, "fb-pause", t().pause),
            },
            (Status::Refused, "fb-refuse", t().refuse),
            (Status::Transferred, "fb-transfer", t().transfer),
        ]
    };
    view! {
        <section class="feedback-detail" id="feedback-detail">
            <h2>{item.kind.label()}" · "{item.status.label()}</h2>
            <p class="content">{item.content.clone()}</p>
            <label for="detail-kind">{t().kind}</label>
            <select id="detail-kind" prop:value=item.kind.wire() on:change=move |ev| {
                let Ok(kind) = Kind::parse(&event_target_value(&ev)) else { return };
                spawn_local(async move {
                    match api::classify_feedback(id, kind).await {
                        Ok(_) => on_changed(),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }>
                {Kind::ALL.iter().map(|k| view! { <option value=k.wire()>{k.label()}</option> }).collect_view()}
            </select>
            <p class="muted">
                {item.channel.label()}" · "{day(item.received_at)}
                {item.submitter.clone().map(|s| format!(" · {s}"))}
                {item.contact.clone().map(|c| format!(" · {c}"))}
            </p>
            <p><span class=left_class(&item)>{item.deadline_label.clone()}</span>
                {item.deadline.due.map(|d| format!(" (hạn {})", crate::show::day(d)))}</p>
            <p class="muted legal">{t().legal_source}": "{rule.source}</p>
            {item.answer.clone().map(|a| view! {
                <div class="answer"><strong>{t().answered_on}" "{day(a.at)}</strong>" · "{a.by.to_string()}" · "{a.via.label()}
                    <p>{a.reply.to_string()}</p></div>
            })}
            {finished.then(|| {
                let rate = move |satisfied: bool| spawn_local(async move {
                    match api::rate_feedback(id, satisfied).await {
                        Ok(_) => on_changed(),
                        Err(e) => error.set(Some(e)),
                    }
                });
                let asked = item.satisfied;
                view! {
                    <div class="satisfaction" id="feedback-satisfaction">
                        <span>{t().submitter_satisfied}" "</span>
                        <button id="fb-satisfied" class:chosen=asked == Some(true) on:click=move |_| rate(true)>{t().yes}</button>
                        <button id="fb-not-satisfied" class:chosen=asked == Some(false) on:click=move |_| rate(false)>{t().no}</button>
                    </div>
                }
            })}
            <div class="actions">
                {steps.into_iter().map(|(status, id, label)| view! {
                    <button id=id on:click=move |_| step(status)>{label}</button>
                }).collect_view()}
            </div>
            <form class="code-form" on:submit=save_code novalidate>
                <label for="detail-code">{t().national_code}</label>
                <div class="inline">
                    <input id="detail-code" autocomplete="off" prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
                    <button type="submit">{t().save_code}</button>
                </div>
                {move || field_message(error, InputField::Code).map(|m| view! { <div class="field-error">{m}</div> })}
            </form>
            {(!finished).then(|| view! {
                <form class="answer-form" on:submit=answer novalidate>
                    <h3>{t().answer_title}</h3>
                    <label for="answer-by">{t().answered_by}</label>
                    <input id="answer-by" autocomplete="off" prop:value=by on:input=move |ev| by.set(event_target_value(&ev)) />
                    {move || field_message(error, InputField::Official).map(|m| view! { <div class="field-error">{m}</div> })}
                    <label for="answer-via">{t().told_via}</label>
                    <select id="answer-via" prop:value=via on:change=move |ev| via.set(event_target_value(&ev))>
                        {Notice::ALL.iter().map(|n| view! { <option value=n.wire()>{n.label()}</option> }).collect_view()}
                    </select>
                    <label for="answer-reply">{t().reply}</label>
                    <textarea id="answer-reply" rows="3" prop:value=reply on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                    {move || field_message(error, InputField::Reply).map(|m| view! { <div class="field-error">{m}</div> })}
                    <button id="save-answer" class="primary" type="submit">{t().save_answer}</button>
                </form>
            })}
            {crate::show::form_error(error)}
        </section>
    }
}

/// The commune's feedback mailbox: its settings (the password is never shown back) and "read now".
#[component]
fn Mailbox(on_read: impl Fn() + Copy + 'static) -> impl IntoView {
    let status = RwSignal::new(MailboxStatus::default());
    let server = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<CommandError>);
    spawn_local(async move {
        if let Ok(s) = api::mailbox_status().await {
            server.set(s.server.clone().unwrap_or_default());
            username.set(s.username.clone().unwrap_or_default());
            status.set(s);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (s, u, p) = (server.get_untracked(), username.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api::set_mailbox(&s, &u, &p).await {
                Ok(saved) => {
                    password.set(String::new());
                    error.set(None);
                    note.set(Some(
                        if saved.password_in_os_store { t().mailbox_in_os } else { t().mailbox_in_app }.to_owned(),
                    ));
                    status.set(saved);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let read = move |_| {
        spawn_local(async move {
            match api::read_mailbox().await {
                Ok(report) => {
                    error.set(None);
                    note.set(Some(
                        t().mailbox_read
                            .replace("{seen}", &report.seen.to_string())
                            .replace("{imported}", &report.imported.to_string()),
                    ));
                    on_read();
                }
                Err(e) => error.set(Some(e)),
            }
            if let Ok(s) = api::mailbox_status().await {
                status.set(s);
            }
        });
    };
    let last = move || {
        let s = status.get();
        match (s.configured, s.last_import_at, s.last_error) {
            (false, _, _) => t().mailbox_not_set.to_owned(),
            (true, _, Some(problem)) => problem,
            (true, Some(at), None) => {
                format!("{}: {}", t().mailbox_last, crate::show::moment(at))
            }
            (true, None, None) => String::new(),
        }
    };
    view! {
        <section class="mailbox">
            <details>
                <summary><h2>{t().mailbox_title}</h2><span class="muted" id="mailbox-status">{last}</span></summary>
                <form on:submit=save novalidate>
                    <label for="mailbox-server">{t().mailbox_server}</label>
                    <input id="mailbox-server" autocomplete="off" prop:value=server on:input=move |ev| server.set(event_target_value(&ev)) />
                    <label for="mailbox-user">{t().mailbox_user}</label>
                    <input id="mailbox-user" autocomplete="off" prop:value=username on:input=move |ev| username.set(event_target_value(&ev)) />
                    <label for="mailbox-password">{t().mailbox_password}</label>
                    <input id="mailbox-password" type="password" autocomplete="off" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                    <div class="form-actions">
                        <button class="primary" type="submit">{t().save_mailbox}</button>
                        <button id="read-mailbox" type="button" on:click=read disabled=move || !status.get().configured>{t().read_mailbox}</button>
                    </div>
                </form>
            </details>
            {move || note.get().map(|n| view! { <div class="saved">{n}</div> })}
            {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
        </section>
    }
}

/// A feedback-box opening before witnesses: its letters are then entered against it.
#[component]
fn BoxOpening(on_opened: impl Fn(FeedbackBoxSession) + Copy + 'static) -> impl IntoView {
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let letters = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let open = move |_| {
        let witnesses = vec![first.get_untracked(), second.get_untracked()];
        let count = letters.get_untracked().trim().parse::<u16>().unwrap_or(0);
        spawn_local(async move {
            match api::open_feedback_box(&witnesses, count).await {
                Ok(session) => {
                    error.set(None);
                    for field in [first, second, letters] {
                        field.set(String::new());
                    }
                    on_opened(session);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="box-opening">
            <summary>{t().open_box}</summary>
            <div class="two">
                <div>
                    <label for="box-witness-1">{t().witness}" 1"</label>
                    <input id="box-witness-1" autocomplete="off" prop:value=first on:input=move |ev| first.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label for="box-witness-2">{t().witness}" 2"</label>
                    <input id="box-witness-2" autocomplete="off" prop:value=second on:input=move |ev| second.set(event_target_value(&ev)) />
                </div>
            </div>
            <label for="box-letters">{t().letters}</label>
            <input id="box-letters" inputmode="numeric" autocomplete="off" prop:value=letters on:input=move |ev| letters.set(event_target_value(&ev)) />
            <div class="form-actions"><button type="button" id="open-box" on:click=open>{t().save_box}</button></div>
            {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
        </details>
    }
}
