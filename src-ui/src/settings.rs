//! Cài đặt and the first-start wizard, built of the same cards: joining the province, the office
//! hours, the officials directory (office head and admin); accounts, the idle lock and the export
//! folder (admin). Each card says what it is for; every command checks the role again.

use crate::api;
use crate::i18n::t;
use crate::live::{live, registers_resource, LoadProblem};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::{Permission, Role};
use thanthien_core::ipc::{CommandError, EnrollmentStatus};
use thanthien_core::official::{Official, OfficialInput};
use uuid::Uuid;

/// A card's outcome line: the refusal in red, or what was done.
fn outcome(error: RwSignal<Option<String>>, notice: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        {move || error.get().map(|e| view! { <div class="form-error" role="alert">{e}</div> })}
        {move || notice.get().map(|n| view! { <div class="notice">{n}</div> })}
    }
}

/// Cài đặt, by role: the office's cards for the office head and the admin, the PC's for the admin.
#[component]
pub fn SettingsScreen(role: Role) -> impl IntoView {
    let admin = role.may(Permission::Accounts);
    view! {
        <div class="column">
            {admin.then(|| view! { <EnrolmentCard on_enrolled=|_| () /> })}
            <OfficeHoursCard on_saved=|| () />
            <CallDisplayCard />
            <RetentionCard />
            {admin.then(|| view! { <IdleLockCard /> <ExportFolderCard /> <BackupCard /> })}
        </div>
        <div class="column">
            <DirectoryCard />
            {admin.then(|| view! { <crate::account::AccountsScreen /> })}
        </div>
    }
}

/// Joining the province: where this PC stands, and the form that enrols (or re-enrols) it.
#[component]
pub fn EnrolmentCard(on_enrolled: impl Fn(EnrollmentStatus) + Copy + 'static) -> impl IntoView {
    let live = live();
    let status = LocalResource::new(move || {
        live.sync();
        api::enrollment_status()
    });
    let server = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match api::enroll(&server.get_untracked(), &code.get_untracked()).await {
                Ok(enrolled) => {
                    error.set(None);
                    code.set(String::new());
                    notice.set(Some(format!(
                        "{}{} · {} {}",
                        t().enrolled_in,
                        enrolled.commune_name.clone().unwrap_or_default(),
                        t().ticket_series,
                        enrolled.ticket_series
                    )));
                    live.wrote();
                    on_enrolled(enrolled);
                }
                Err(e) => {
                    notice.set(None);
                    error.set(Some(e.summary()));
                }
            }
            busy.set(false);
        });
    };
    // The server field starts from where this PC is enrolled, once known.
    Effect::new(move |_| {
        if let Some(Ok(s)) = status.get() {
            if server.get_untracked().is_empty() {
                server.set(s.server_url.unwrap_or_default());
            }
        }
    });
    let shown = move || status.get().and_then(Result::ok);
    view! {
        <section class="card enrolment" id="enrolment">
            <h2>{t().enrol_title}</h2>
            <p class="hint">{t().enrol_hint}</p>
            <LoadProblem resource=status what=t().enrolment_status />
            {move || shown().map(|s| {
                let enrolled = s.commune_name.is_some();
                let last = s.sync.last_success_at.map_or(t().never_synced.to_owned(), crate::show::moment);
                view! {
                    <dl class="facts" id="enrolment-status">
                        <dt>{t().enrolment_status}</dt>
                        <dd id="enrolled-commune">{s.commune_name.clone().unwrap_or_else(|| t().not_enrolled_long.to_owned())}</dd>
                        {enrolled.then(|| view! {
                            <dt>{t().server_url}</dt><dd>{s.server_url.clone().unwrap_or_default()}</dd>
                            <dt>{t().ticket_series}</dt><dd id="enrolled-series">{s.ticket_series.clone()}</dd>
                            <dt>{t().last_sync}</dt><dd>{last}</dd>
                            <dt>{t().pending}</dt><dd>{s.sync.pending}</dd>
                        })}
                        <dt>{t().device_name}</dt><dd>{s.device_name.clone().unwrap_or_default()}</dd>
                        <dt>{t().device_id}</dt><dd class="mono">{s.device_id.to_string()}</dd>
                    </dl>
                    {enrolled.then(|| view! { <p class="hint">{t().reenrol_hint}</p> })}
                }
            })}
            <form class="stack" id="enrol-form" on:submit=submit>
                <label>{t().server_url}
                    <input id="enrol-server" bind:value=server placeholder="https://thanthien.dongnai.gov.vn" />
                </label>
                <label>{t().enrol_code}
                    <input id="enrol-code" bind:value=code autocomplete="off" placeholder="ABCD-EFGH-JKMN" />
                </label>
                <button type="submit" class="primary" id="enrol-submit" disabled=busy>
                    {move || if shown().is_some_and(|s| s.commune_name.is_some()) { t().reenrol_submit } else { t().enrol_submit }}
                </button>
            </form>
            {outcome(error, notice)}
        </section>
    }
}

fn hh_mm(t: chrono::NaiveTime) -> String {
    thanthien_core::time::clock_text(t)
}

/// The office hours, for every PC of the commune.
#[component]
pub fn OfficeHoursCard(on_saved: impl Fn() + Copy + 'static) -> impl IntoView {
    let morning = RwSignal::new(String::new());
    let afternoon = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let settings = registers_resource(api::desk_settings);
    // The fields follow the hours in force when they change (here or on another PC), not on every
    // reload: a sync round while someone types must not undo their typing.
    let shown = StoredValue::new(None::<thanthien_core::procedure::OfficeHours>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            let h = s.office_hours;
            if shown.get_value() != Some(h) {
                shown.set_value(Some(h));
                morning.set(format!("{}-{}", hh_mm(h.morning.0), hh_mm(h.morning.1)));
                afternoon.set(format!("{}-{}", hh_mm(h.afternoon.0), hh_mm(h.afternoon.1)));
            }
        }
    });
    let live = live();
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        spawn_local(async move {
            match api::set_office_hours(&morning.get_untracked(), &afternoon.get_untracked()).await {
                Ok(_) => {
                    error.set(None);
                    notice.set(Some(t().saved.into()));
                    live.wrote();
                    on_saved();
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    view! {
        <section class="card office-hours" id="office-hours">
            <h2>{t().hours_title}</h2>
            <p class="hint">{t().hours_hint}</p>
            <LoadProblem resource=settings what=t().hours_title />
            <form class="row" id="hours-form" on:submit=save>
                <label>{t().morning}<input id="hours-morning" bind:value=morning placeholder="07:00-11:30" /></label>
                <label>{t().afternoon}<input id="hours-afternoon" bind:value=afternoon placeholder="13:30-17:00" /></label>
                <button type="submit" class="primary" id="hours-save">{t().save}</button>
            </form>
            {outcome(error, notice)}
        </section>
    }
}

/// The officials directory: add, correct, mark leaders, publish or hide a phone, take off.
#[component]
pub fn DirectoryCard() -> impl IntoView {
    let live = live();
    let officials = registers_resource(api::list_officials);
    let editing = RwSignal::new(None::<Uuid>);
    let name = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let counter = RwSignal::new(String::new());
    let publish = RwSignal::new(false);
    let leader = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let clear = move || {
        editing.set(None);
        for field in [name, title, phone, counter] {
            field.set(String::new());
        }
        publish.set(false);
        leader.set(false);
    };
    let edit = move |o: Official| {
        editing.set(Some(o.id));
        name.set(o.name);
        title.set(o.title);
        phone.set(o.phone.unwrap_or_default());
        counter.set(o.counter.map(|c| c.to_string()).unwrap_or_default());
        publish.set(o.phone_published);
        leader.set(o.leader);
    };
    let done = move |result: Result<(), CommandError>| match result {
        Ok(()) => {
            error.set(None);
            notice.set(Some(t().saved.into()));
            live.wrote();
        }
        Err(e) => {
            notice.set(None);
            error.set(Some(e.summary()));
        }
    };
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let typed = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
        let counter_typed = typed(counter);
        let counter_number = counter_typed.as_deref().map(str::parse::<u16>);
        if let Some(Err(_)) = counter_number {
            error.set(Some(thanthien_core::visit::InputError::CounterInvalid.to_string()));
            return;
        }
        let input = OfficialInput {
            name: name.get_untracked(),
            title: title.get_untracked(),
            phone: typed(phone),
            counter: counter_number.and_then(Result::ok),
            phone_published: publish.get_untracked(),
            leader: leader.get_untracked(),
        };
        let id = editing.get_untracked();
        spawn_local(async move {
            let saved = api::save_official(id, &input).await.map(|_| ());
            if saved.is_ok() {
                clear();
            }
            done(saved);
        });
    };
    let take_off = move |id: Uuid| spawn_local(async move { done(api::take_off_official(id).await) });
    view! {
        <section class="card directory" id="directory">
            <h2>{t().directory_title}</h2>
            <p class="hint">{t().directory_hint}</p>
            <LoadProblem resource=officials what=t().directory_title />
            <table class="report" id="directory-list">
                <thead><tr>
                    <th>{t().official_name}</th><th>{t().official_title}</th><th>{t().counter}</th>
                    <th>{t().phone}</th><th></th>
                </tr></thead>
                <tbody>
                    <For each=move || officials.get().and_then(Result::ok).unwrap_or_default()
                        key=|o| (o.id, o.name.clone(), o.title.clone(), o.phone.clone(), o.counter, o.phone_published, o.leader)
                        let:o>
                        {
                            let id = o.id;
                            let entry = o.clone();
                            let phone = match (&o.phone, o.phone_published) {
                                (Some(p), true) => format!("{p} ({})", t().published),
                                (Some(p), false) => format!("{p} ({})", t().not_published),
                                (None, _) => "—".to_owned(),
                            };
                            view! {
                                <tr class="official" class:leader=o.leader>
                                    <td class="name">{o.name.clone()}</td>
                                    <td>{o.title.clone()}{o.leader.then(|| view! { " " <span class="tag">{t().leader}</span> })}</td>
                                    <td>{o.counter.map(|c| c.to_string()).unwrap_or_default()}</td>
                                    <td>{phone}</td>
                                    <td class="actions">
                                        <button class="edit" on:click=move |_| edit(entry.clone())>{t().edit}</button>
                                        <button class="take-off" on:click=move |_| take_off(id)>{t().take_off}</button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <form class="grid-form" id="official-form" on:submit=save>
                <label>{t().official_name}<input id="official-name" bind:value=name /></label>
                <label>{t().official_title}<input id="official-title" bind:value=title placeholder="Chủ tịch UBND xã" /></label>
                <label>{t().phone}<input id="official-phone" bind:value=phone inputmode="tel" /></label>
                <label>{t().counter}<input id="official-counter" bind:value=counter inputmode="numeric" /></label>
                <label class="check"><input type="checkbox" id="official-publish" bind:checked=publish />{t().publish_phone}</label>
                <label class="check"><input type="checkbox" id="official-leader" bind:checked=leader />{t().leader}</label>
                <div class="row">
                    <button type="submit" class="primary" id="official-save">
                        {move || if editing.get().is_some() { t().save } else { t().add_official }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" on:click=move |_| clear()>{t().cancel}</button>
                    </Show>
                </div>
            </form>
            {outcome(error, notice)}
        </section>
    }
}

/// The idle lock of this PC (admin).
#[component]
fn IdleLockCard() -> impl IntoView {
    let settings = registers_resource(api::desk_settings);
    let minutes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let shown = StoredValue::new(None::<u32>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            if shown.get_value() != Some(s.idle_lock_minutes) {
                shown.set_value(Some(s.idle_lock_minutes));
                minutes.set(s.idle_lock_minutes.to_string());
            }
        }
    });
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Ok(n) = minutes.get_untracked().trim().parse::<u32>() else {
            let (min, max) = thanthien_core::account::IDLE_LOCK_LIMITS;
            error.set(Some(thanthien_core::visit::InputError::IdleLockInvalid { min, max }.to_string()));
            return;
        };
        spawn_local(async move {
            match api::set_idle_lock(n).await {
                Ok(()) => {
                    error.set(None);
                    notice.set(Some(t().saved.into()));
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    let overridden = move || settings.get().and_then(Result::ok).is_some_and(|s| s.idle_lock_overridden);
    view! {
        <section class="card idle-lock" id="idle-lock">
            <h2>{t().idle_title}</h2>
            <p class="hint">{t().idle_hint}</p>
            <LoadProblem resource=settings what=t().idle_title />
            <form class="row" id="idle-form" on:submit=save>
                <label>{t().idle_minutes}<input id="idle-minutes" bind:value=minutes inputmode="numeric" /></label>
                <button type="submit" class="primary" id="idle-save">{t().save}</button>
            </form>
            <Show when=overridden><p class="hint">{t().idle_overridden}</p></Show>
            {outcome(error, notice)}
        </section>
    }
}

/// Where exports are saved (admin): the system's folder dialog.
#[component]
fn ExportFolderCard() -> impl IntoView {
    let settings = registers_resource(api::desk_settings);
    let chosen = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let choose = move |_| {
        spawn_local(async move {
            match api::choose_export_folder().await {
                Ok(Some(folder)) => {
                    error.set(None);
                    notice.set(Some(t().saved.into()));
                    chosen.set(Some(folder));
                }
                Ok(None) => {}
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    let folder = move || chosen.get().or_else(|| settings.get().and_then(Result::ok).map(|s| s.export_dir));
    view! {
        <section class="card export-folder" id="export-folder">
            <h2>{t().exports_title}</h2>
            <p class="hint">{t().exports_hint}</p>
            <LoadProblem resource=settings what=t().exports_title />
            <p class="mono" id="export-folder-path">{folder}</p>
            <button id="choose-export-folder" on:click=choose>{t().choose_folder}</button>
            {outcome(error, notice)}
        </section>
    }
}

/// Whether the call display can speak the calls: the system's voices are read at once and again
/// once the webview has loaded them (they arrive late on some systems).
#[component]
fn CallDisplayCard() -> impl IntoView {
    let voice = RwSignal::new(crate::display::vietnamese_voice().map(|v| v.name()));
    set_timeout(
        move || voice.set(crate::display::vietnamese_voice().map(|v| v.name())),
        std::time::Duration::from_secs(1),
    );
    let at_once = RwSignal::new(crate::slips::print_at_once());
    view! {
        <section class="card" id="call-display-card">
            <h2>{t().queue_card}</h2>
            // This PC's own choice (its receipt printer), kept with the desk's counter and official.
            <label class="check">
                <input id="print-at-once" type="checkbox" prop:checked=at_once
                    on:change=move |ev| { let on = event_target_checked(&ev); crate::slips::set_print_at_once(on); at_once.set(on); } />
                {t().print_at_once}
            </label>
            <p id="call-voice" class:warn=move || voice.with(Option::is_none)>{move || match voice.get() {
                Some(name) => format!("{} ({name}).", t().voice_found),
                None => t().voice_missing.to_owned(),
            }}</p>
        </section>
    }
}

/// The retention periods in force (the province's, else the app's defaults), with their legal
/// ground, and the latest runs: what the law asks the office to be able to show.
#[component]
fn RetentionCard() -> impl IntoView {
    let status = registers_resource(api::retention_status);
    view! {
        <section class="card retention" id="retention">
            <h2>{t().retention_title}</h2>
            <p class="hint">{t().retention_hint}</p>
            <LoadProblem resource=status what=t().retention_title />
            {move || status.get().and_then(Result::ok).map(|s| {
                use thanthien_core::person::Register;
                // One legal ground for both registers is said once, under them.
                let same_source = s.retention.visits.source == s.retention.feedback.source;
                let period = |register: Register| {
                    let p = s.retention.period(register).clone();
                    view! {
                        <tr>
                            <td>{register.label()}</td>
                            <td class="num">{format!("{} {}", p.months, t().retention_months)}</td>
                            {(!same_source).then(|| view! { <td class="source">{format!("{}: {}", t().retention_source, p.source)}</td> })}
                        </tr>
                    }
                };
                let shared = same_source.then(|| view! {
                    <p class="source" id="retention-source">{format!("{}: {}", t().retention_source, s.retention.visits.source)}</p>
                });
                let runs = s.runs.iter().map(|r| format!("{} · {} · {}", thanthien_core::time::local_text(r.at), r.register.label(), r.erased)).collect::<Vec<_>>();
                view! {
                    <table id="retention-periods"><tbody>{period(Register::Visit)}{period(Register::Feedback)}</tbody></table>
                    {shared}
                    {(!runs.is_empty()).then(|| view! { <p class="hint" id="retention-runs">{format!("{}: {}", t().retention_last_runs, runs.join("; "))}</p> })}
                }
            })}
        </section>
    }
}

/// Backups (admin): the folder, the backups there, "Sao lưu ngay", and a restore from one that
/// goes in place at the next start.
#[component]
fn BackupCard() -> impl IntoView {
    let status = RwSignal::new(None::<thanthien_core::ipc::BackupStatus>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::backup_status().await {
                Ok(s) => status.set(Some(s)),
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    reload();
    let now = move |_| {
        spawn_local(async move {
            match api::backup_now().await {
                Ok(s) => {
                    error.set(None);
                    notice.set(Some(t().saved.into()));
                    status.set(Some(s));
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    let choose = move |_| {
        spawn_local(async move {
            match api::choose_backup_folder().await {
                Ok(Some(_)) => reload(),
                Ok(None) => {}
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    let recovery = RwSignal::new(None::<String>);
    let typed_code = RwSignal::new(String::new());
    let show_code = move |_| {
        spawn_local(async move {
            match api::backup_recovery_code().await {
                Ok(code) => recovery.set(Some(code)),
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    let restore = move |_| {
        spawn_local(async move {
            match api::restore_backup(&typed_code.get_untracked()).await {
                Ok(Some(_)) => reload(),
                Ok(None) => {}
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    view! {
        <section class="card backup" id="backup">
            <h2>{t().backup_title}</h2>
            <p class="hint">{t().backup_hint}</p>
            <p class="hint">{t().backup_encrypted}</p>
            {move || status.get().map(|s| {
                // Tenths of a MB, rounded half up.
                let size = |bytes: u64| {
                    let tenths = (bytes * 10 + 524_288) / 1_048_576;
                    format!("{}.{} MB", tenths / 10, tenths % 10)
                };
                view! {
                    <p class="mono" id="backup-folder">{s.folder.clone()}</p>
                    {s.recovering.then(|| view! { <p class="form-error" id="backup-recovering">{t().backup_recovering}</p> })}
                    {s.restore_staged.then(|| view! { <p class="notice" id="backup-staged">{t().backup_staged}</p> })}
                    {if s.backups.is_empty() {
                        view! { <p class="hint" id="backup-none">{t().backup_none}</p> }.into_any()
                    } else {
                        view! {
                            <table id="backup-list"><tbody>
                                {s.backups.iter().take(3).map(|b| view! {
                                    <tr><td class="time">{thanthien_core::time::local_text(b.at)}</td><td class="num">{size(b.bytes)}</td></tr>
                                }).collect_view()}
                            </tbody></table>
                        }.into_any()
                    }}
                }
            })}
            <div class="inline">
                <button id="backup-now" on:click=now>{t().backup_now}</button>
                <button id="choose-backup-folder" on:click=choose>{t().choose_folder}</button>
                <button id="show-recovery-code" on:click=show_code>{t().recovery_show}</button>
            </div>
            {move || recovery.get().map(|code| view! {
                <p class="mono" id="recovery-code">{code}</p>
                <p class="hint">{t().recovery_hint}</p>
            })}
            <div class="inline">
                <input id="recovery-input" class="mono" placeholder=t().recovery_input
                    prop:value=move || typed_code.get()
                    on:input=move |ev| typed_code.set(event_target_value(&ev)) />
                <button id="restore-backup" on:click=restore>{t().backup_restore}</button>
            </div>
            {outcome(error, notice)}
        </section>
    }
}

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Enrol,
    Hours,
    Directory,
    Done,
}

impl Step {
    const ALL: [Step; 4] = [Step::Enrol, Step::Hours, Step::Directory, Step::Done];

    fn label(self) -> &'static str {
        match self {
            Step::Enrol => t().step_enrol,
            Step::Hours => t().step_hours,
            Step::Directory => t().step_directory,
            Step::Done => t().step_done,
        }
    }

    fn next(self) -> Step {
        match self {
            Step::Enrol => Step::Hours,
            Step::Hours => Step::Directory,
            Step::Directory | Step::Done => Step::Done,
        }
    }
}

/// The first-start wizard, after the first admin account: join the province, the office hours,
/// the directory, then the desk. Each step can be skipped; Cài đặt holds them all.
#[component]
pub fn Wizard(on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let step = RwSignal::new(Step::Enrol);
    let finish = move |_| {
        spawn_local(async move {
            if let Err(e) = api::finish_setup().await {
                leptos::logging::warn!("finish_setup: {e}");
            }
            on_done();
        })
    };
    view! {
        <main class="wizard" id="wizard">
            <header class="wizard-head">
                <h1>{t().wizard_title}</h1>
                <p class="hint">{t().wizard_hint}</p>
                <ol class="steps">
                    {Step::ALL.iter().map(|&s| view! {
                        <li class:current=move || step.get() == s>{s.label()}</li>
                    }).collect_view()}
                </ol>
            </header>
            <div class="wizard-body">
                {move || match step.get() {
                    Step::Enrol => view! { <EnrolmentCard on_enrolled=|_| () /> }.into_any(),
                    Step::Hours => view! { <OfficeHoursCard on_saved=|| () /> }.into_any(),
                    Step::Directory => view! { <DirectoryCard /> }.into_any(),
                    Step::Done => view! { <section class="card"><p id="wizard-done">{t().wizard_done}</p></section> }.into_any(),
                }}
            </div>
            <footer class="wizard-actions">
                <Show when=move || step.get() != Step::Done
                    fallback=move || view! { <button class="primary" id="wizard-finish" on:click=finish>{t().to_the_desk}</button> }>
                    <button id="wizard-skip" on:click=move |_| step.update(|s| *s = s.next())>{t().skip}</button>
                    <button class="primary" id="wizard-next" on:click=move |_| step.update(|s| *s = s.next())>{t().next_step}</button>
                </Show>
            </footer>
        </main>
    }
}
