//! `thanthien person …`: one citizen's records under Law 91/2025 on personal data, for the
//! province's audits and for answering a citizen who asks what the commune holds about them,
//! to have it put right, or to have it erased.

use super::{print_json, CliError};
use crate::store::Store;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::io::BufRead;
use std::path::PathBuf;
use thanthien_core::breach::BreachInput;
use thanthien_core::erasure::Grounds;
use thanthien_core::person::{Access, FileFormat, PersonQuery, PersonRecord};
use thanthien_core::time::local_text;
use thanthien_core::visit::CorrectionInput;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Every record of one person in the visits and the feedback register: by name (accents and
    /// case ignored, every word), phone (any spelling) or 12-digit identity number. Identity
    /// numbers are shown masked but for their last 4 digits.
    Find {
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Everything held about the person, in full, as a file to hand to them: FILE.pdf or FILE.json.
    Export {
        text: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Puts a record's personal data right (an amendment, synced): give the fields to change.
    /// A visit takes a name, phone, identity number and note; a feedback item its sender's name
    /// and contact.
    Correct {
        /// The record's id (as `person find` lists it).
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        citizen_id: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// A feedback item's contact (phone, e-mail, address).
        #[arg(long)]
        contact: Option<String>,
        /// Who asked, and what was wrong.
        #[arg(long)]
        reason: String,
    },
    /// The access log: who searched, exported, corrected or erased a person's data, when, where.
    Log {
        #[arg(long)]
        json: bool,
    },
    /// The facts of a personal-data breach notice, due to the Ministry of Public Security within
    /// 72 hours of finding the breach: which data, how many people, since when, what was done.
    Breach {
        /// When the breach was found (RFC 3339, e.g. 2026-12-01T08:05:00+07:00).
        #[arg(long, value_parser = crate::cli::parse_at)]
        found: DateTime<Utc>,
        /// What happened (a stolen PC, a lost USB backup, …).
        #[arg(long)]
        what: String,
        /// What the office did about it.
        #[arg(long)]
        measures: String,
        #[arg(long)]
        json: bool,
    },
    /// Erases the person's name, phone and identity number from every record the law lets go,
    /// on this PC and, through sync, everywhere; records still being handled are refused with
    /// the date from which they can be erased. Asks first unless --yes.
    Erase {
        text: String,
        /// Who asked, and when (kept with the erasure).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        yes: bool,
    },
}

fn query(text: &str) -> Result<PersonQuery, CliError> {
    PersonQuery::parse(text)
        .ok_or_else(|| CliError::Input("nhập tên, số điện thoại hoặc số định danh cần tìm".to_owned()))
}

pub async fn person(store: &Store, command: PersonCommand) -> Result<(), CliError> {
    match command {
        PersonCommand::Find { text, json } => {
            let records = store.find_person(&query(&text)?).await?;
            store.record_access(Access::Search, &ids(&records)).await?;
            if json {
                return print_json(&records);
            }
            if records.is_empty() {
                println!("Không có bản ghi nào của người này.");
            }
            records.iter().for_each(print_record);
        }
        PersonCommand::Export { text, out } => {
            let file = store.person_file(&query(&text)?).await?;
            let format = out
                .extension()
                .and_then(|e| FileFormat::parse(&e.to_string_lossy().to_ascii_lowercase()).ok())
                .ok_or_else(|| CliError::Input("tệp xuất phải có đuôi .pdf hoặc .json".to_owned()))?;
            let bytes = crate::report::person_file(&file, format)?;
            let records: Vec<Uuid> =
                file.visits.iter().map(|v| v.id).chain(file.feedback.iter().map(|f| f.id)).collect();
            store.record_access(Access::Export, &records).await?;
            crate::report::write_file(&out, &bytes)?;
            println!(
                "Đã xuất {} lượt tiếp dân và {} mục góp ý vào {}.",
                file.visits.len(),
                file.feedback.len(),
                out.display()
            );
        }
        PersonCommand::Correct { id, name, phone, citizen_id, note, contact, reason } => {
            let input = CorrectionInput { name, phone, citizen_id, note, contact, reason };
            let corrected = match store.visit(id).await? {
                Some(_) => {
                    let visit = store.correct_visit(id, input).await?;
                    format!("lượt tiếp {} ({})", visit.id, local_text(visit.arrived_at))
                }
                None => {
                    let item = store.correct_feedback(id, input).await?;
                    format!("mục góp ý {} ({})", item.id, local_text(item.received_at))
                }
            };
            store.record_access(Access::Correct, &[id]).await?;
            println!("Đã sửa {corrected}.");
        }
        PersonCommand::Breach { found, what, measures, json } => {
            let input = BreachInput { discovered_at: Some(found), what_happened: what, measures };
            let report = store.breach_report(input).await?;
            if json {
                return print_json(&report);
            }
            for (heading, lines) in report.sections(store.now()) {
                println!("{heading}");
                lines.iter().for_each(|line| println!("  {line}"));
            }
        }
        PersonCommand::Log { json: true } => print_json(&store.access_log(1000).await?)?,
        PersonCommand::Log { json: false } => {
            for entry in store.access_log(1000).await? {
                let who = entry.user.as_deref().unwrap_or("?");
                println!(
                    "{}\t{}\t{} bản ghi\t{who}\tmáy {}",
                    local_text(entry.at),
                    entry.action.label(),
                    entry.count,
                    entry.device_id
                );
            }
        }
        PersonCommand::Erase { text, reason, yes } => {
            let query = query(&text)?;
            let records = store.find_person(&query).await?;
            if records.is_empty() {
                println!("Không có bản ghi nào của người này.");
                return Ok(());
            }
            records.iter().for_each(print_record);
            if !yes && !confirmed(records.len())? {
                println!("Không xoá gì.");
                return Ok(());
            }
            let report = store.erase_person(&query, Grounds::Request, &reason).await?;
            store.record_access(Access::Erase, &ids(&report.erased)).await?;
            println!("Đã xoá dữ liệu cá nhân trong {} bản ghi.", report.erased.len());
            if !report.refused.is_empty() {
                let refusals: Vec<String> = report
                    .refused
                    .iter()
                    .map(|(r, hold)| format!("{} {}: {}", r.register.label(), local_text(r.at), hold.text()))
                    .collect();
                return Err(CliError::Input(refusals.join("\n")));
            }
        }
    }
    Ok(())
}

/// The periods in force and the latest runs; with `run`, a run now.
pub async fn retention(store: &Store, run: bool) -> Result<(), CliError> {
    if run {
        for r in store.run_retention().await? {
            println!("Đã xoá dữ liệu cá nhân hết thời hạn lưu trữ: {} bản ghi ({}).", r.erased, r.register.label());
        }
    }
    let reference = store.reference();
    for register in [thanthien_core::person::Register::Visit, thanthien_core::person::Register::Feedback] {
        let period = reference.retention.period(register);
        println!("{}: {} tháng. Căn cứ: {}", register.label(), period.months, period.source);
    }
    for r in store.retention_runs(10).await? {
        println!("{}\t{}\t{} tháng\txoá {} bản ghi", local_text(r.at), r.register.label(), r.months, r.erased);
    }
    Ok(())
}

fn ids(records: &[PersonRecord]) -> Vec<Uuid> {
    records.iter().map(|r| r.id).collect()
}

fn print_record(r: &PersonRecord) {
    let fields: Vec<&str> = [r.name.as_deref(), r.phone.as_deref(), r.citizen_id.as_deref(), r.about.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    println!("{}\t{}\t{}\t{}", r.register.label(), local_text(r.at), fields.join(" · "), r.id);
}

/// Asks on the terminal before an erasure, which cannot be undone.
fn confirmed(count: usize) -> Result<bool, CliError> {
    eprint!("Xoá vĩnh viễn họ tên, số điện thoại, số định danh trong {count} bản ghi trên? Gõ \"co\" để xoá: ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "co" | "có" | "yes" | "y"))
}
