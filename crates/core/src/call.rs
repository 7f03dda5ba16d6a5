//! The waiting room's call display: the ticket each counter is serving, the last calls, how many
//! wait, and the words a call is shown and spoken with. Tickets and counters only: a screen the
//! whole room reads shows no names.

use crate::time::local_day;
use crate::visit::lifecycle::QueueState;
use crate::visit::Visit;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many of the latest calls the display lists.
pub const RECENT: usize = 6;

/// One call of a ticket to a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub ticket: String,
    pub counter: u16,
    pub called_at: DateTime<Utc>,
}

impl Call {
    /// "Mời số A007 đến quầy số 3", as the display writes it.
    pub fn text(&self) -> String {
        format!("Mời số {} đến quầy số {}", self.ticket, self.counter)
    }

    /// The same call as a voice reads it best: the series letter, then the number without its
    /// leading zeros ("Mời số A, 7, đến quầy số 3").
    pub fn spoken(&self) -> String {
        let (series, number): (String, String) = self.ticket.chars().partition(|c| !c.is_ascii_digit());
        let number = number.trim_start_matches('0');
        let number = if number.is_empty() { "0" } else { number };
        format!("Mời số {series}, {number}, đến quầy số {}", self.counter)
    }
}

/// What the display shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallBoard {
    /// The ticket at each counter now, by counter.
    pub serving: Vec<Call>,
    /// The latest calls, newest first (a recall counts again).
    pub recent: Vec<Call>,
    /// Citizens with a ticket still waiting to be called.
    pub waiting: usize,
}

impl CallBoard {
    /// The newest call, which the display announces when it is new to it.
    pub fn latest(&self) -> Option<&Call> {
        self.recent.first()
    }
}

/// The board of `today` from the day's visits (on any PC of the commune that synced them).
pub fn board(visits: &[Visit], today: NaiveDate) -> CallBoard {
    let todays = || visits.iter().filter(|v| local_day(v.arrived_at) == today && v.ticket.is_some());
    let call = |v: &Visit| Some(Call { ticket: v.ticket.clone()?, counter: v.counter?, called_at: v.last_called_at? });
    let mut recent: Vec<Call> = todays().filter_map(call).collect();
    recent.sort_by(|a, b| b.called_at.cmp(&a.called_at).then_with(|| a.ticket.cmp(&b.ticket)));
    let mut serving: Vec<Call> = Vec::new();
    for c in todays().filter(|v| v.queue_state() == QueueState::Serving).filter_map(call) {
        match serving.iter_mut().find(|s| s.counter == c.counter) {
            Some(s) if s.called_at < c.called_at => *s = c,
            Some(_) => {}
            None => serving.push(c),
        }
    }
    serving.sort_by_key(|c| c.counter);
    recent.truncate(RECENT);
    let waiting = todays().filter(|v| v.queue_state() == QueueState::Waiting).count();
    CallBoard { serving, recent, waiting }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, local, visit};
    use crate::visit::Outcome;

    fn ticketed(ticket: &str, minute: u32, counter: Option<u16>, outcome: Option<Outcome>) -> Visit {
        let official = counter.map(|_| "Lê Thị Hoa");
        let mut v =
            visit(local(2026, 12, 1, 8, minute), None, official, counter, outcome, counter.map(|_| 5), None, None);
        v.ticket = Some(ticket.into());
        v.name = "Nguyễn Văn A".into();
        v
    }

    #[test]
    fn the_board_shows_each_counters_ticket_the_latest_calls_and_the_waiting_count() {
        let visits = vec![
            ticketed("A001", 0, Some(1), Some(Outcome::Resolved)),
            ticketed("A002", 1, Some(1), None),
            ticketed("A003", 2, Some(3), None),
            ticketed("A004", 3, None, None),
            ticketed("B001", 4, None, None),
        ];
        let board = board(&visits, date("2026-12-01"));
        let serving: Vec<_> = board.serving.iter().map(|c| (c.counter, c.ticket.as_str())).collect();
        assert_eq!(serving, [(1, "A002"), (3, "A003")], "a finished visit leaves its counter");
        let recent: Vec<_> = board.recent.iter().map(|c| c.ticket.as_str()).collect();
        assert_eq!(recent, ["A003", "A002", "A001"], "newest first");
        assert_eq!(board.waiting, 2);
        assert_eq!(board.latest().map(Call::text).as_deref(), Some("Mời số A003 đến quầy số 3"));
        assert!(!serde_json::to_string(&board).unwrap().contains("Nguyễn"), "no names on the room's screen");
        assert_eq!(
            super::board(&visits, date("2026-12-02")),
            CallBoard { serving: vec![], recent: vec![], waiting: 0 }
        );
    }

    #[test]
    fn a_call_is_spoken_as_letter_and_number() {
        let call = Call { ticket: "A007".into(), counter: 3, called_at: local(2026, 12, 1, 8, 0) };
        assert_eq!(call.spoken(), "Mời số A, 7, đến quầy số 3");
        let call = Call { ticket: "B120".into(), counter: 12, ..call };
        assert_eq!(call.spoken(), "Mời số B, 120, đến quầy số 12");
    }
}
