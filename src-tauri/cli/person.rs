//! `thanthien person …`: one citizen's records under Law 91/2025 on personal data, for the
//! province's audits and for answering a citizen who asks what the commune holds about them.

use super::{print_json, CliError};
use crate::store::Store;
use clap::Subcommand;
use thanthien_core::person::{find, PersonQuery};
use thanthien_core::time::local_text;

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
}

pub async fn person(store: &Store, command: PersonCommand) -> Result<(), CliError> {
    match command {
        PersonCommand::Find { text, json } => {
            let query = PersonQuery::parse(&text)
                .ok_or_else(|| CliError::Input("nhập tên, số điện thoại hoặc số định danh cần tìm".to_owned()))?;
            let today = thanthien_core::time::local_day(store.now());
            let records = find(&query, &store.all_visits().await?, &store.feedback_register(today).await?);
            if json {
                return print_json(&records);
            }
            if records.is_empty() {
                println!("Không có bản ghi nào của người này.");
            }
            for r in &records {
                let fields: Vec<&str> =
                    [r.name.as_deref(), r.phone.as_deref(), r.citizen_id.as_deref(), r.about.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                println!("{}\t{}\t{}\t{}", r.register.label(), local_text(r.at), fields.join(" · "), r.id);
            }
        }
    }
    Ok(())
}
