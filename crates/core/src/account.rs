//! Local accounts on a shared office PC: the three roles and what each may do, the lockout after
//! wrong passwords and the idle screen lock. Hashing lives in the app; the rules live here.

use crate::visit::InputError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Wrong passwords in a row that lock an account.
pub const MAX_FAILURES: u32 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// Idle time after which the screen locks and the next command needs the password again.
pub const IDLE_LOCK_MINUTES: u32 = 10;
/// The shortest password accepted.
pub const PASSWORD_MIN_CHARS: usize = 8;

crate::words::word_enum!(
    /// Who a person is at the office.
    Role, InputError::RoleInvalid, {
        /// Front desk: visits, feedback, camera check-ins.
        Receptionist = "receptionist" | "tiep_dan" | "tiep-dan" => "Cán bộ tiếp dân",
        /// The office head: the desk's work, plus the weekly summary, its approval and exports.
        OfficeHead = "office_head" | "office-head" | "head" | "lanh_dao" | "lanh-dao" => "Lãnh đạo UBND",
        /// Keeps the PC: accounts, mailbox, cameras, directory; sees no report, approves nothing.
        Admin = "admin" | "quan_tri" | "quan-tri" => "Quản trị máy",
    }
);

crate::words::word_enum!(
    /// Who a person is at the province's console.
    ProvinceRole, InputError::ProvinceRoleInvalid, {
        /// Accepts and returns weeks, enrols and revokes PCs, publishes reference data.
        Admin = "province_admin" | "province-admin" | "admin" => "Quản trị tỉnh",
        /// Reads everything, changes nothing.
        Viewer = "province_viewer" | "province-viewer" | "viewer" => "Cán bộ theo dõi",
    }
);

impl Role {
    /// Whether this role may do `what`: the one table every command consults.
    pub fn may(self, what: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Receptionist => matches!(what, P::Desk),
            Role::OfficeHead => matches!(what, P::Desk | P::Review | P::Approve | P::Registry | P::PersonalData),
            Role::Admin => matches!(what, P::Registry | P::Accounts | P::PersonalData),
        }
    }
}

/// What a command needs its caller to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Receive citizens, log feedback, check cameras.
    Desk,
    /// Read the weekly summary and export it.
    Review,
    /// Submit, approve and reopen a week.
    Approve,
    /// Edit the cameras, the mailbox settings and the directory.
    Registry,
    /// Create accounts, reset passwords, unlock.
    Accounts,
    /// Find, hand over, correct or erase one person's data; read the access log (Law 91/2025).
    PersonalData,
}

impl Permission {
    /// The sentence a refused caller sees.
    pub fn refusal(self) -> &'static str {
        match self {
            Permission::Desk => "Chỉ cán bộ tiếp dân hoặc lãnh đạo được thực hiện việc này.",
            Permission::Review => "Chỉ lãnh đạo UBND được xem và xuất báo cáo tuần.",
            Permission::Approve => "Chỉ lãnh đạo UBND được trình, duyệt hoặc mở lại báo cáo tuần.",
            Permission::Registry => "Chỉ lãnh đạo hoặc quản trị máy được sửa danh mục và cài đặt.",
            Permission::Accounts => "Chỉ quản trị máy được quản lý tài khoản.",
            Permission::PersonalData => {
                "Chỉ lãnh đạo UBND hoặc quản trị máy được tra cứu, xuất, sửa hoặc xoá dữ liệu cá nhân của người dân."
            }
        }
    }
}

/// A login name: 3–32 of a–z, 0–9, '.', '_', '-', kept lower-case ("lan.nt").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl TryFrom<String> for Username {
    type Error = InputError;
    fn try_from(raw: String) -> Result<Username, InputError> {
        let name = crate::normal_form::lowercase(raw.trim());
        let ok = (3..=32).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(Username(name))
        } else {
            Err(InputError::UsernameInvalid)
        }
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

impl Username {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password is long enough; its hash is the app's business.
pub fn check_new_password(password: &str) -> Result<(), InputError> {
    if password.chars().count() >= PASSWORD_MIN_CHARS {
        Ok(())
    } else {
        Err(InputError::PasswordTooShort { min: PASSWORD_MIN_CHARS })
    }
}

/// An account's wrong-password record, as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Wrong passwords since the last good one (or since the last lock ended).
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Attempts {
    /// The lock in force at `now`, if any.
    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| *until > now)
    }

    /// After a wrong password at `now`: the fifth in a row locks for 15 minutes, and the count
    /// starts again once that lock has run out.
    pub fn after_failure(self, now: DateTime<Utc>) -> Attempts {
        let failures = if self.locked_until.is_some_and(|until| until <= now) { 1 } else { self.failures + 1 };
        if failures >= MAX_FAILURES {
            Attempts { failures, locked_until: Some(now + Duration::minutes(LOCK_MINUTES)) }
        } else {
            Attempts { failures, locked_until: None }
        }
    }

    /// Wrong passwords left before the lock.
    pub fn remaining(&self) -> u32 {
        MAX_FAILURES.saturating_sub(self.failures)
    }
}

/// Whether a session last active at `last_activity` has been idle long enough to lock.
/// The idle lock an admin may set, in minutes: a counter PC in the public hall wants a short one,
/// and past an hour a PC left open is open to anyone passing.
pub const IDLE_LOCK_LIMITS: (u32, u32) = (1, 60);

/// The idle lock in force, in minutes: the admin's setting when it is within the limits (one
/// stored by another build might not be), else the default.
pub fn idle_lock_minutes_in_force(set: Option<u32>) -> u32 {
    set.filter(|m| idle_lock(*m).is_ok()).unwrap_or(IDLE_LOCK_MINUTES)
}

/// The idle lock of `minutes`, if within the limits.
pub fn idle_lock(minutes: u32) -> Result<Duration, InputError> {
    let (min, max) = IDLE_LOCK_LIMITS;
    if (min..=max).contains(&minutes) {
        Ok(Duration::minutes(i64::from(minutes)))
    } else {
        Err(InputError::IdleLockInvalid { min, max })
    }
}

pub fn idle_locked(last_activity: DateTime<Utc>, now: DateTime<Utc>, limit: Duration) -> bool {
    now - last_activity >= limit
}

/// Why a sign-in or a command was refused; `Display` is the sentence on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "denial", rename_all = "snake_case")]
pub enum Denial {
    /// Unknown name or wrong password (the screen does not say which).
    WrongPassword {
        remaining: Option<u32>,
    },
    Locked {
        until: DateTime<Utc>,
    },
    /// The account was switched off by the admin.
    Inactive,
    /// Nobody is signed in, or the screen locked after idle time.
    SignedOut,
    Forbidden(Permission),
    /// The first account can only be made while there is none.
    AccountsExist,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denial::WrongPassword { remaining: Some(n) } => write!(
                f,
                "Tên đăng nhập hoặc mật khẩu không đúng. Còn {n} lần thử trước khi tài khoản bị khóa {LOCK_MINUTES} phút."
            ),
            Denial::WrongPassword { remaining: None } => f.write_str("Tên đăng nhập hoặc mật khẩu không đúng."),
            Denial::Locked { until } => write!(
                f,
                "Tài khoản tạm khóa vì nhập sai mật khẩu {MAX_FAILURES} lần. Thử lại sau {}.",
                crate::time::local_clock(*until)
            ),
            Denial::Inactive => f.write_str("Tài khoản này đã ngừng sử dụng; liên hệ quản trị máy."),
            Denial::SignedOut => f.write_str("Phiên làm việc đã khóa. Vui lòng đăng nhập lại."),
            Denial::Forbidden(what) => f.write_str(what.refusal()),
            Denial::AccountsExist => f.write_str("Máy này đã có tài khoản; quản trị máy tạo thêm tài khoản trong Cài đặt."),
        }
    }
}

impl std::error::Error for Denial {}

/// The person signed in, as the UI shows them and events record them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub username: Username,
    pub full_name: String,
    pub role: Role,
}

/// An account as the admin's list shows it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub username: Username,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A new account, from the admin's form or the CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInput {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_lock_names_its_end_in_vietnam_time() {
        let locked = Denial::Locked { until: t(16, 0) };
        assert!(locked.to_string().contains("08:16"), "{locked}");
        assert!(Denial::WrongPassword { remaining: Some(2) }.to_string().contains("Còn 2 lần"));
    }

    fn t(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, minute, second).unwrap()
    }

    #[test]
    fn five_wrong_passwords_lock_for_fifteen_minutes_then_the_count_restarts() {
        let mut a = Attempts::default();
        for i in 1..=4 {
            a = a.after_failure(t(0, i));
            assert_eq!((a.failures, a.locked_at(t(0, i))), (i, None));
        }
        assert_eq!(a.remaining(), 1);
        a = a.after_failure(t(1, 0));
        assert_eq!(a.locked_at(t(1, 0)), Some(t(16, 0)));
        assert_eq!(a.locked_at(t(15, 59)), Some(t(16, 0)), "still locked a second before");
        assert_eq!(a.locked_at(t(16, 0)), None, "open again at 15 minutes");
        // The first wrong password after the lock ran out is the first of a new five.
        a = a.after_failure(t(16, 1));
        assert_eq!((a.failures, a.locked_at(t(16, 1)), a.remaining()), (1, None, 4));
    }

    #[test]
    fn the_screen_locks_after_the_idle_limit() {
        assert_eq!(idle_lock(1), Ok(Duration::minutes(1)));
        assert_eq!(idle_lock(60), Ok(Duration::minutes(60)));
        for wrong in [0, 61, u32::MAX] {
            assert_eq!(idle_lock(wrong), Err(InputError::IdleLockInvalid { min: 1, max: 60 }), "{wrong}");
        }
        assert_eq!(idle_lock_minutes_in_force(Some(3)), 3);
        assert_eq!(idle_lock_minutes_in_force(None), IDLE_LOCK_MINUTES);
        assert_eq!(idle_lock_minutes_in_force(Some(500)), IDLE_LOCK_MINUTES);
        let limit = Duration::minutes(i64::from(IDLE_LOCK_MINUTES));
        assert!(!idle_locked(t(0, 0), t(9, 59), limit));
        assert!(idle_locked(t(0, 0), t(10, 0), limit));
    }

    #[test]
    fn each_role_may_do_its_own_work_only() {
        use Permission as P;
        let table = [
            (Role::Receptionist, [true, false, false, false, false]),
            (Role::OfficeHead, [true, true, true, true, false]),
            (Role::Admin, [false, false, false, true, true]),
        ];
        for (role, expected) in table {
            let got = [P::Desk, P::Review, P::Approve, P::Registry, P::Accounts].map(|p| role.may(p));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn usernames_and_passwords_are_checked() {
        assert_eq!(Username::try_from(" Lan.NT ".to_owned()).unwrap().as_str(), "lan.nt");
        for bad in ["ab", "có dấu", "a b c", &"x".repeat(33)] {
            assert_eq!(Username::try_from(bad.to_owned()), Err(InputError::UsernameInvalid), "{bad}");
        }
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("mật khẩu").is_ok(), "eight characters, not bytes");
        assert_eq!(Role::parse("office-head"), Ok(Role::OfficeHead));
        assert!(Role::parse("boss").is_err());
    }
}
