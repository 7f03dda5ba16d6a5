//! Who is signed in at this PC's window, and the role check every command makes before it acts.
//! The screen locks after idle time here too, not only in the UI.

use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use thanthien_core::account::{idle_locked, Denial, Permission, SignedIn, IDLE_LOCK_MINUTES};

struct Active {
    who: SignedIn,
    last_activity: DateTime<Utc>,
}

/// One window, one person at a time: signing in replaces whoever was there.
pub struct Session {
    active: Mutex<Option<Active>>,
    /// Seconds; the admin may change it in Cài đặt while the app runs.
    idle_limit: AtomicI64,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(Duration::minutes(i64::from(IDLE_LOCK_MINUTES)))
    }
}

impl Session {
    pub fn new(idle_limit: Duration) -> Session {
        Session { active: Mutex::new(None), idle_limit: AtomicI64::new(idle_limit.num_seconds()) }
    }

    pub fn idle_limit(&self) -> Duration {
        Duration::seconds(self.idle_limit.load(Ordering::Relaxed))
    }

    pub fn set_idle_limit(&self, limit: Duration) {
        self.idle_limit.store(limit.num_seconds(), Ordering::Relaxed);
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Active>> {
        // The Option is replaced whole under the lock: a poisoned lock still holds a whole value.
        self.active.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn sign_in(&self, who: SignedIn, now: DateTime<Utc>) {
        tracing::info!(user = %who.username, role = who.role.wire(), "signed in");
        *self.slot() = Some(Active { who, last_activity: now });
    }

    pub fn sign_out(&self) {
        if let Some(active) = self.slot().take() {
            tracing::info!(user = %active.who.username, "signed out");
        }
    }

    /// The person signed in, unless the session has been idle past the limit (it then ends).
    pub fn current(&self, now: DateTime<Utc>) -> Option<SignedIn> {
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|a| idle_locked(a.last_activity, now, self.idle_limit())) {
            tracing::info!("screen locked after idle time");
            *slot = None;
        }
        slot.as_ref().map(|a| a.who.clone())
    }

    /// Anyone signed in, whatever the role (shared lists: the directory, the catalogue, sync).
    pub fn signed_in(&self, now: DateTime<Utc>) -> Result<SignedIn, Denial> {
        self.current(now).ok_or(Denial::SignedOut)
    }

    /// The person's keyboard or mouse was used: the idle clock starts again.
    pub fn touch(&self, now: DateTime<Utc>) -> Result<SignedIn, Denial> {
        let who = self.current(now).ok_or(Denial::SignedOut)?;
        if let Some(active) = self.slot().as_mut() {
            active.last_activity = now;
        }
        Ok(who)
    }

    /// The signed-in person, if their role may do `what`; for reads (a poll does not count as
    /// activity, so an unattended screen still locks).
    pub fn require(&self, what: Permission, now: DateTime<Utc>) -> Result<SignedIn, Denial> {
        let who = self.current(now).ok_or(Denial::SignedOut)?;
        if !who.role.may(what) {
            tracing::warn!(user = %who.username, role = who.role.wire(), ?what, "refused by role");
            return Err(Denial::Forbidden(what));
        }
        Ok(who)
    }

    /// For a change: the role check, then the store that records the person on its events.
    pub fn acting(&self, store: &Store, what: Permission, now: DateTime<Utc>) -> Result<Store, Denial> {
        let who = self.require(what, now)?;
        self.touch(now)?;
        Ok(store.by(who.username.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use thanthien_core::account::{Role, Username};

    fn head() -> SignedIn {
        SignedIn {
            username: Username::try_from("hung.lv".to_owned()).unwrap(),
            full_name: "Lê Văn Hùng".into(),
            role: Role::OfficeHead,
        }
    }

    #[test]
    fn polls_do_not_keep_the_screen_open_but_work_does() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let session = Session::new(Duration::minutes(10));
        assert_eq!(session.require(Permission::Desk, t0), Err(Denial::SignedOut));
        session.sign_in(head(), t0);
        assert!(session.require(Permission::Approve, t0 + Duration::minutes(9)).is_ok());
        session.touch(t0 + Duration::minutes(9)).unwrap();
        assert!(session.require(Permission::Desk, t0 + Duration::minutes(18)).is_ok());
        assert_eq!(session.require(Permission::Desk, t0 + Duration::minutes(19)), Err(Denial::SignedOut));
        assert_eq!(session.current(t0), None, "a locked session stays locked");
    }

    #[test]
    fn a_role_is_refused_what_it_may_not_do() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let session = Session::default();
        session.sign_in(SignedIn { role: Role::Receptionist, ..head() }, t0);
        assert_eq!(session.require(Permission::Approve, t0), Err(Denial::Forbidden(Permission::Approve)));
        assert!(session.require(Permission::Desk, t0).is_ok());
    }
}
