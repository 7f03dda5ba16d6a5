//! The console's queries, on its own login (every commune through the `province` policies).

use crate::db::hash_secret;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use thanthien_core::account::ProvinceRole;
use thanthien_core::approval::week_id;
use thanthien_core::approval::ApprovalStatus;
use thanthien_core::plan::{judge, CommunePlan, PlanFacts, PlanFigures, Scoreboard};
use thanthien_core::province::Rate;
use thanthien_core::province::{
    is_silent, CommunePage, ConsoleSession, DeviceLine, Overview, OverviewRow, ReportDeadline, ReportStatus,
    SyncProblem,
};
use thanthien_core::ranking::{pooled, rank, CommuneSample, IndexKind, Rankings, TrendPoint, MIN_SAMPLE};
use thanthien_core::report::WeeklySummary;
use thanthien_core::summary::{Targets, Week, WeekFigures};
use thanthien_core::visit::Ticket;
use uuid::Uuid;

pub async fn open_session(pool: &PgPool, token: &str, username: &str, csrf: &str) -> Result<()> {
    // Ended sessions go when a new one opens: the table holds live sessions only.
    sqlx::query(
        "DELETE FROM console_session WHERE last_seen_at < now() - $1::interval OR created_at < now() - $2::interval",
    )
    .bind(format!("{} seconds", super::IDLE.num_seconds()))
    .bind(format!("{} seconds", super::MAX_AGE.num_seconds()))
    .execute(pool)
    .await?;
    sqlx::query("INSERT INTO console_session (token_hash, username, csrf) VALUES ($1, $2, $3)")
        .bind(hash_secret(token))
        .bind(username)
        .bind(csrf)
        .execute(pool)
        .await?;
    Ok(())
}

/// The session a cookie's token opens at `now`, its idle clock restarted; none once it has
/// been idle too long or lived past its age (it is ended then).
pub async fn touch_session(pool: &PgPool, token: &str, now: DateTime<Utc>) -> Result<Option<ConsoleSession>> {
    type Row = (String, String, String, String, DateTime<Utc>, DateTime<Utc>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.username, a.full_name, a.role, s.csrf, s.created_at, s.last_seen_at
         FROM console_session s JOIN province_account a USING (username) WHERE s.token_hash = $1",
    )
    .bind(hash_secret(token))
    .fetch_optional(pool)
    .await?;
    let Some((username, full_name, role, csrf, created_at, last_seen_at)) = row else {
        return Ok(None);
    };
    if now - last_seen_at > super::IDLE || now - created_at > super::MAX_AGE {
        close_session(pool, token).await?;
        return Ok(None);
    }
    // The idle clock restarts at most once a minute: a page's few reads write nothing.
    if now - last_seen_at > chrono::Duration::minutes(1) {
        sqlx::query("UPDATE console_session SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(hash_secret(token))
            .bind(now)
            .execute(pool)
            .await?;
    }
    let role = ProvinceRole::parse(&role).map_err(|e| Error::BadRequest(e.to_string()))?;
    Ok(Some(ConsoleSession { username, full_name, role, csrf }))
}

pub async fn close_session(pool: &PgPool, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM console_session WHERE token_hash = $1").bind(hash_secret(token)).execute(pool).await?;
    Ok(())
}

/// Every commune's report of `week`, as of `now`.
pub async fn overview(pool: &PgPool, week: Week, deadline: ReportDeadline, now: DateTime<Utc>) -> Result<Overview> {
    overview_of(pool, week, deadline, now, None).await
}

async fn overview_of(
    pool: &PgPool,
    week: Week,
    deadline: ReportDeadline,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<Overview> {
    let (start, end) = week.bounds();
    // Clocks are stored as fixed-width text that sorts like the value: the week's range of them.
    let clock = |at: DateTime<Utc>| format!("{:016}", at.timestamp_millis().max(0));
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<i32>,
        Option<DateTime<Utc>>,
        bool,
    );
    // Hash joins over the week's rows; the order is made below (a collated sort cost more).
    let sql = format!(
        "SELECT c.code, c.name, c.district, w.status, w.reported_at, w.approvals, d.last_sync,
                -- Entries of the week matter only where no step came.
                w.status IS NOT NULL
                    OR EXISTS (SELECT 1 FROM event e WHERE e.commune_code = c.code AND e.hlc >= $2 AND e.hlc < $3)
         FROM commune c
         LEFT JOIN week_summary w ON w.commune_code = c.code AND w.week = $1
         LEFT JOIN (SELECT commune_code, max(last_seen_at) AS last_sync FROM device GROUP BY commune_code) d
                ON d.commune_code = c.code
         WHERE true {}",
        narrowed("c.code", only, 4)
    );
    let query = sqlx::query_as(&sql).bind(week.to_string()).bind(clock(start)).bind(clock(end));
    let mut rows: Vec<Row> = narrow(query, only).fetch_all(pool).await?;
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let rows = rows
        .into_iter()
        .map(|(commune_code, commune_name, district, status, reported_at, approvals, last_sync, has_entries)| {
            let approval = status.as_deref().and_then(|s| ApprovalStatus::parse(s).ok());
            let status = ReportStatus::of(approval, has_entries);
            let reported_at = reported_at.filter(|_| status.is_reported());
            OverviewRow {
                commune_code,
                commune_name,
                district,
                status,
                on_time: reported_at.is_some_and(|at| deadline.is_on_time(week, at)),
                reported_at,
                approvals: approvals.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                silent: is_silent(last_sync, now),
                last_sync,
            }
        })
        .collect();
    Ok(Overview::new(week, deadline, rows))
}

/// The SQL that narrows a query to one commune, if it is: `AND <column> = $<param>`, spelt out
/// rather than `($n IS NULL OR <column> = $n)`, whose generic plan (the one PostgreSQL settles on
/// after five runs) expects a single row and probes an index once per commune.
fn narrowed(column: &str, only: Option<&str>, param: usize) -> String {
    only.map_or_else(String::new, |_| format!("AND {column} = ${param}"))
}

/// Binds the commune `narrowed` named, if any (its parameter comes last).
fn narrow<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    only: Option<&'q str>,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    match only {
        Some(code) => query.bind(code),
        None => query,
    }
}

/// The facts behind the plan's items, for every commune (or one), as of `as_of` (the week's end,
/// or now while it runs).
pub async fn plan_facts(
    pool: &PgPool,
    week: Week,
    as_of: DateTime<Utc>,
    only: Option<&str>,
) -> Result<std::collections::HashMap<String, PlanFacts>> {
    use std::collections::HashMap;
    let (start, end) = week.bounds();
    // Every series of the plan's evidence as it stood then, a row each (see the migration
    // `plan_evidence`): the directory and the cameras as listed, the latest publications and
    // box opening.
    let held_sql = format!(
        "SELECT commune_code, series, at, listed, published, leaders, leaders_published
         FROM plan_evidence WHERE until > $1 AND at <= $1 {}",
        narrowed("commune_code", only, 2)
    );
    let boxes_sql = format!(
        "SELECT commune_code, count(*) FROM plan_evidence
         WHERE series = 'box_opened' AND at >= $1 AND at < $2 {} GROUP BY commune_code",
        narrowed("commune_code", only, 3)
    );
    let mailboxes_sql = format!(
        "SELECT commune_code, max(mailbox_read_at) FROM device WHERE true {} GROUP BY commune_code",
        narrowed("commune_code", only, 1)
    );
    // The week's figures as the commune approved them (a returned week has none in force): the
    // few the plan reads, from the index (migration `ranking_samples`), or, for a week approved
    // before they were kept, all of them.
    let figures_sql = format!(
        "SELECT commune_code, plan_figures, NULL::jsonb FROM week_summary
         WHERE week = $1 AND status IN ('approved', 'accepted') AND plan_figures IS NOT NULL {narrow}
         UNION ALL
         SELECT commune_code, NULL, figures FROM week_summary
         WHERE week = $1 AND status IN ('approved', 'accepted') AND plan_figures IS NULL AND figures IS NOT NULL {narrow}",
        narrow = narrowed("commune_code", only, 2)
    );
    type Held = (String, String, DateTime<Utc>, i32, i32, i32, i32);
    type Opened = (String, i64);
    type Read = (String, Option<DateTime<Utc>>);
    type Figures = (String, Option<serde_json::Value>, Option<serde_json::Value>);
    let until = end.min(as_of + chrono::Duration::microseconds(1));
    // Four reads of their own, on as many connections at once.
    let (held, boxes, mailboxes, figures): (Vec<Held>, Vec<Opened>, Vec<Read>, Vec<Figures>) = tokio::try_join!(
        narrow(sqlx::query_as(&held_sql).bind(as_of), only).fetch_all(pool),
        narrow(sqlx::query_as(&boxes_sql).bind(start).bind(until), only).fetch_all(pool),
        narrow(sqlx::query_as(&mailboxes_sql), only).fetch_all(pool),
        narrow(sqlx::query_as(&figures_sql).bind(week.to_string()), only).fetch_all(pool),
    )?;

    let mut facts: HashMap<String, PlanFacts> = HashMap::new();
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    for (code, series, at, listed, published, leaders, leaders_published) in held {
        let f = facts.entry(code).or_default();
        match series.as_str() {
            "directory" => {
                (f.officials, f.phones_published, f.leaders, f.leader_phones_published) = (
                    count(listed.into()),
                    count(published.into()),
                    count(leaders.into()),
                    count(leaders_published.into()),
                );
            }
            "cameras" => f.cameras = count(listed.into()),
            "notice_board" => f.notice_board_at = Some(at),
            "online" => f.online_at = Some(at),
            "box_opened" => f.last_box_opening = Some(at),
            other => tracing::warn!(series = other, "unknown series of plan evidence"),
        }
    }
    for (code, in_week) in boxes {
        facts.entry(code).or_default().box_openings_in_week = count(in_week);
    }
    for (code, read) in mailboxes {
        facts.entry(code).or_default().mailbox_read_at = read;
    }
    for (code, plan, full) in figures {
        let read = match (plan, full) {
            (Some(plan), _) => serde_json::from_value::<PlanFigures>(plan).map_err(|e| e.to_string()),
            (None, Some(full)) => {
                serde_json::from_value::<WeekFigures>(full).map(|f| PlanFigures::of(&f)).map_err(|e| e.to_string())
            }
            (None, None) => continue,
        };
        match read {
            Ok(figures) => facts.entry(code).or_default().figures = Some(figures),
            // Stored by an older build: judged as no report rather than failing the page.
            Err(e) => tracing::warn!(commune = %code, error = %e, "approved figures not readable"),
        }
    }
    Ok(facts)
}

/// The communes: code, name, area, by code.
pub async fn communes(pool: &PgPool, only: Option<&str>) -> Result<Vec<(String, String, Option<String>)>> {
    let sql =
        format!("SELECT code, name, district FROM commune WHERE true {} ORDER BY code", narrowed("code", only, 1));
    Ok(narrow(sqlx::query_as(&sql), only).fetch_all(pool).await?)
}

/// The plan's scoreboard of `week` at `now`.
pub async fn scoreboard(pool: &PgPool, week: Week, now: DateTime<Utc>) -> Result<Scoreboard> {
    let as_of = week.bounds().1.min(now);
    let (mut facts, communes) = tokio::try_join!(plan_facts(pool, week, as_of, None), communes(pool, None))?;
    let communes = communes
        .into_iter()
        .map(|(commune_code, commune_name, district)| {
            let f = facts.remove(&commune_code).unwrap_or_default();
            CommunePlan { lines: judge(week, &f, now), commune_code, commune_name, district }
        })
        .collect();
    Ok(Scoreboard::new(week, communes))
}

/// One commune's page for `week` at `now`; none for an unknown code.
pub async fn commune_page(
    pool: &PgPool,
    code: &str,
    week: Week,
    deadline: ReportDeadline,
    now: DateTime<Utc>,
) -> Result<Option<CommunePage>> {
    let Some((commune_code, commune_name, district)) = communes(pool, Some(code)).await?.into_iter().next() else {
        return Ok(None);
    };
    let overview = overview_of(pool, week, deadline, now, Some(code)).await?;
    let row = overview.rows.into_iter().next();
    let summary: Vec<(String, Option<serde_json::Value>)> = sqlx::query_as(
        "SELECT week, figures FROM week_summary WHERE commune_code = $1 AND week IN ($2, $3)
           AND status IN ('approved', 'accepted')",
    )
    .bind(code)
    .bind(week.to_string())
    .bind(week.previous().to_string())
    .fetch_all(pool)
    .await?;
    let figures_of = |w: Week| -> Option<WeekFigures> {
        let json = summary.iter().find(|(k, _)| *k == w.to_string())?.1.clone()?;
        serde_json::from_value(json).ok()
    };
    // The lines the desk prints: the approved week beside last week's approved figures (zeros
    // where last week was not approved).
    let report = figures_of(week).map(|this| report_of(this, figures_of(week.previous()))).unwrap_or_default();
    let mut conn = pool.acquire().await?;
    let (approval, _) = crate::db::week_approval(&mut conn, code, week_id(week)).await?;
    drop(conn);
    // An amended week: the lines its approval in force changed from the approval before it.
    let approved: Vec<&WeekFigures> = approval
        .steps
        .values()
        .filter_map(|s| match &s.step {
            thanthien_core::approval::ApprovalStep::Approved { figures, .. } => Some(figures.as_ref()),
            _ => None,
        })
        .collect();
    let amendments = match (approved.len(), row.as_ref().is_some_and(|r| r.status.is_reported())) {
        (n, true) if n >= 2 => {
            let summary = |f: &WeekFigures| WeeklySummary {
                this_week: f.clone(),
                last_week: WeekFigures::empty(week.previous()),
                targets: Targets::default(),
                approval: Default::default(),
                amendments: Vec::new(),
            };
            thanthien_core::report::amendments(&summary(approved[n - 2]), &summary(approved[n - 1]))
        }
        _ => Vec::new(),
    };
    let as_of = week.bounds().1.min(now);
    let facts = plan_facts(pool, week, as_of, Some(code)).await?.remove(code).unwrap_or_default();
    Ok(Some(CommunePage {
        commune_code,
        commune_name,
        district,
        week,
        status: row.as_ref().map_or(ReportStatus::NotStarted, |r| r.status),
        reported_at: row.as_ref().and_then(|r| r.reported_at),
        on_time: row.as_ref().is_some_and(|r| r.on_time),
        approvals: row.as_ref().map_or(0, |r| r.approvals),
        report,
        amendments,
        history: approval.view().steps,
        plan: judge(week, &facts, now),
        devices: devices(pool, code).await?,
        problems: problems(pool, code).await?,
    }))
}

/// The lines the desk prints for an approved week beside last week's approved figures (zeros
/// where last week was not approved).
fn report_of(this_week: WeekFigures, last_week: Option<WeekFigures>) -> Vec<thanthien_core::report::Row> {
    let last_week = last_week.unwrap_or_else(|| WeekFigures::empty(this_week.week.previous()));
    let summary = WeeklySummary {
        this_week,
        last_week,
        targets: Targets::default(),
        approval: Default::default(),
        amendments: Vec::new(),
    };
    thanthien_core::report::rows(&summary)
}

async fn devices(pool: &PgPool, code: &str) -> Result<Vec<DeviceLine>> {
    type Row = (
        Uuid,
        Option<String>,
        Option<i32>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<String>,
        Option<i32>,
        i64,
        i64,
    );
    // The province's own device for the commune (no number) is not a PC.
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, d.name, d.device_number, d.enrolled_at, d.last_seen_at, d.revoked_at, d.app_version,
                d.pending_events,
                (SELECT count(*) FROM event_quarantine q WHERE q.commune_code = d.commune_code AND q.device_id = d.id),
                (SELECT count(*) FROM event_conflict c WHERE c.commune_code = d.commune_code AND c.device_id = d.id)
         FROM device d WHERE d.commune_code = $1 AND d.device_number IS NOT NULL
         ORDER BY d.device_number",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, number, enrolled_at, last_seen_at, revoked_at, app_version, pending, rejected, conflicts)| {
            DeviceLine {
                id,
                name,
                series: Ticket::series_for(number.and_then(|n| u32::try_from(n).ok()).unwrap_or(1)),
                enrolled_at,
                last_seen_at,
                revoked_at,
                app_version,
                pending: pending.and_then(|n| u32::try_from(n).ok()),
                rejected: u32::try_from(rejected).unwrap_or(0),
                conflicts: u32::try_from(conflicts).unwrap_or(0),
            }
        })
        .collect())
}

/// The latest refusals and conflicts of a commune's PCs: kind and reason only, never the content.
async fn problems(pool: &PgPool, code: &str) -> Result<Vec<SyncProblem>> {
    type Row = (Uuid, i64, Option<String>, String, DateTime<Utc>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT device_id, seq, envelope->>'kind', reason, received_at FROM event_quarantine WHERE commune_code = $1
         UNION ALL
         SELECT device_id, seq, envelope->>'kind', 'Trùng số thứ tự với một sự kiện đã nhận, nội dung khác', received_at
         FROM event_conflict WHERE commune_code = $1
         ORDER BY received_at DESC LIMIT 200",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(device_id, seq, kind, reason, received_at)| SyncProblem {
            device_id,
            seq,
            // A kind is a short word; whatever else a bad envelope put there is not shown.
            kind: kind.filter(|k| k.len() <= 64 && k.chars().all(|c| c.is_ascii_lowercase() || "._".contains(c))),
            reason: thanthien_core::province::without_quoted(&reason),
            received_at,
        })
        .collect())
}

/// A commune's counts behind the index ratios of one approved week.
#[derive(sqlx::FromRow)]
struct SampleRow {
    commune_code: String,
    week: String,
    #[sqlx(rename = "feedback_on_time_part")]
    on_time_part: Option<i32>,
    #[sqlx(rename = "feedback_on_time_whole")]
    on_time_whole: Option<i32>,
    #[sqlx(rename = "feedback_satisfaction_part")]
    satisfied_part: Option<i32>,
    #[sqlx(rename = "feedback_satisfaction_whole")]
    satisfied_whole: Option<i32>,
    #[sqlx(rename = "procedure_satisfaction_part")]
    procedure_part: Option<i32>,
    #[sqlx(rename = "procedure_satisfaction_whole")]
    procedure_whole: Option<i32>,
}

impl SampleRow {
    /// Part and whole of each index, in `IndexKind::ALL` order.
    fn cells(&self) -> [Option<i32>; 6] {
        [
            self.on_time_part,
            self.on_time_whole,
            self.satisfied_part,
            self.satisfied_whole,
            self.procedure_part,
            self.procedure_whole,
        ]
    }
}

/// Every index of `week` ranked, with last week beside each commune and 12 weeks of the
/// province's pooled ratio.
pub async fn rankings(pool: &PgPool, week: Week) -> Result<Rankings> {
    let mut weeks = vec![week];
    while weeks.len() < 12 {
        let earlier = weeks.last().copied().unwrap_or(week).previous();
        weeks.push(earlier);
    }
    weeks.reverse();
    let names: Vec<String> = weeks.iter().map(ToString::to_string).collect();
    // The counts are read from their index alone (migration `ranking_samples`); communes come
    // apart, so a commune with no approved week still ranks as "no report".
    let (communes, rows): (_, Vec<SampleRow>) = tokio::try_join!(communes(pool, None), async {
        let rows = sqlx::query_as(
            "SELECT commune_code, week, feedback_on_time_part, feedback_on_time_whole,
                    feedback_satisfaction_part, feedback_satisfaction_whole,
                    procedure_satisfaction_part, procedure_satisfaction_whole
             FROM week_summary WHERE week = ANY($1) AND status IN ('approved', 'accepted')",
        )
        .bind(&names)
        .fetch_all(pool)
        .await?;
        Ok::<_, Error>(rows)
    },)?;
    // Each commune's counts in each of the 12 weeks, placed once.
    let place: std::collections::HashMap<&str, usize> =
        communes.iter().enumerate().map(|(i, (code, ..))| (code.as_str(), i)).collect();
    let mut cells: Vec<Vec<Option<[Option<i32>; 6]>>> = vec![vec![None; names.len()]; communes.len()];
    for row in &rows {
        if let (Some(&c), Some(slot)) =
            (place.get(row.commune_code.as_str()), names.iter().position(|n| *n == row.week))
        {
            cells[c][slot] = Some(row.cells());
        }
    }
    let (this_week, last_week) = (names.len() - 1, names.len().saturating_sub(2));
    let indexes = IndexKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &index)| {
            let rate = |week: &Option<[Option<i32>; 6]>| -> Option<Rate> {
                let cells = week.as_ref()?;
                Some(Rate { part: u32::try_from(cells[2 * i]?).ok()?, whole: u32::try_from(cells[2 * i + 1]?).ok()? })
            };
            let samples = communes
                .iter()
                .zip(&cells)
                .map(|((code, name, _), weeks)| CommuneSample {
                    commune_code: code.clone(),
                    commune_name: name.clone(),
                    this_week: rate(&weeks[this_week]),
                    last_week: rate(&weeks[last_week]),
                })
                .collect();
            let trend = weeks
                .iter()
                .enumerate()
                .map(|(slot, &week)| TrendPoint { week, rate: pooled(cells.iter().filter_map(|w| rate(&w[slot]))) })
                .collect();
            rank(index, samples, MIN_SAMPLE, trend)
        })
        .collect();
    Ok(Rankings { week, min_sample: MIN_SAMPLE, indexes })
}

/// Each commune's approved report lines of `week` (this week's figures; last week's where it
/// was approved too), for the province's spreadsheet.
pub async fn report_lines(
    pool: &PgPool,
    week: Week,
) -> Result<std::collections::BTreeMap<String, Vec<thanthien_core::report::Row>>> {
    let rows: Vec<(String, String, serde_json::Value)> = sqlx::query_as(
        "SELECT commune_code, week, figures FROM week_summary
         WHERE week IN ($1, $2) AND status IN ('approved', 'accepted') AND figures IS NOT NULL",
    )
    .bind(week.to_string())
    .bind(week.previous().to_string())
    .fetch_all(pool)
    .await?;
    let mut this: std::collections::BTreeMap<String, WeekFigures> = Default::default();
    let mut last: std::collections::BTreeMap<String, WeekFigures> = Default::default();
    for (code, w, json) in rows {
        let Ok(figures) = serde_json::from_value::<WeekFigures>(json) else { continue };
        if w == week.to_string() {
            this.insert(code, figures);
        } else {
            last.insert(code, figures);
        }
    }
    Ok(this
        .into_iter()
        .map(|(code, this_week)| {
            let last_week = last.remove(&code);
            (code, report_of(this_week, last_week))
        })
        .collect())
}
