//! `thanthien user …`: this PC's accounts from the command line, for whoever keeps the PC (the
//! first admin, a forgotten password). Access to the command line is access to the PC's data.

use super::CliError;
use crate::store::Store;
use chrono::Utc;
use clap::Subcommand;
use thanthien_core::account::AccountInput;
use thanthien_core::time::vietnam;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password, reads it from stdin.
    Add {
        #[arg(long)]
        username: String,
        /// Full name as shown on screen.
        #[arg(long)]
        name: String,
        /// receptionist | office-head | admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a new password (also lifts a lock). Without --password, reads it from stdin.
    Password {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Every account: name, role, whether locked.
    List,
}

/// The password given, else one line of stdin (so it stays out of the shell's history).
pub(super) fn password_or_stdin(password: Option<String>) -> Result<String, String> {
    match password {
        Some(p) => Ok(p),
        None => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

pub async fn user(store: &Store, command: UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Add { username, name, role, password } => {
            let input = AccountInput { username, full_name: name, role, password: password_or_stdin(password)? };
            let account = store.create_account(input, false, Utc::now()).await?;
            eprintln!("Đã tạo tài khoản {} ({}).", account.username, account.role.label());
        }
        UserCommand::Password { username, password } => {
            store.reset_password(&username, password_or_stdin(password)?).await?;
            eprintln!("Đã đặt lại mật khẩu cho {username}.");
        }
        UserCommand::List => {
            for a in store.accounts().await? {
                let state = match (a.active, a.locked_until) {
                    (false, _) => "ngừng sử dụng".to_owned(),
                    (true, Some(until)) if until > Utc::now() => {
                        format!("tạm khóa đến {}", until.with_timezone(&vietnam()).format("%H:%M"))
                    }
                    _ => String::new(),
                };
                println!("{}  {}  {}  {state}", a.username, a.full_name, a.role.label());
            }
        }
    }
    Ok(())
}
