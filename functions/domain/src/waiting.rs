//! A contract's waiting list (issue 30): people who proved their address through a join link
//! when the contract had no seat left. They wait in order; when a seat frees (a place revoked,
//! the seat limit raised) the first in line is invited, as anyone else, and mailed. Admins see
//! the list, move people in it and remove them.
//!
//! A link that needs an admin's yes puts proved joiners in another line of the same shape, the
//! contract's join requests ([`Line::Approval`]): an admin approves (a place, or the waiting
//! list when the contract is full) or refuses (a mail says so); nothing there is promoted on
//! its own.
//!
//! The order is each entry's `position` (its joining time in microseconds, times 1,000, plus a
//! tie-breaker from its id, so later joiners come after and no two share a place): moving
//! someone up swaps two positions, to the front takes one below
//! the first. A person waits once per contract (the entry's key is their address).

use crate::{ActivityId, ContractId, EmailAddress, JoinLinkId};
use chrono::{DateTime, Utc};

/// Which of a contract's two lines an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Line {
    /// Waiting for a seat: the first in line is invited when one frees.
    Waiting,
    /// Waiting for an admin's yes (a link that needs approval).
    Approval,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingEntry {
    pub line: Line,
    /// Names the entry in the admins' routes without putting an address in a URL.
    pub id: crate::WaitingId,
    pub contract_id: ContractId,
    pub email: EmailAddress,
    /// The join link they came through (`None`: an admin invited them over the seat limit).
    pub link_id: Option<JoinLinkId>,
    /// Who the invitation will name as its inviter: the link's maker.
    pub invited_by: crate::UserId,
    /// What the place will cover: the link's activities when the person joined.
    pub activities: Vec<ActivityId>,
    pub joined_at: DateTime<Utc>,
    pub position: i64,
}

impl WaitingEntry {
    /// At the back of the line: positions grow with the time of joining.
    pub fn new(link: &crate::JoinLink, email: EmailAddress, now: DateTime<Utc>) -> Self {
        let id = crate::WaitingId::random();
        Self {
            line: Line::Waiting,
            position: position_at(now, &id),
            id,
            contract_id: link.contract_id.clone(),
            email,
            link_id: Some(link.id.clone()),
            invited_by: link.created_by.clone(),
            activities: link.activities.clone(),
            joined_at: now,
        }
    }

    /// Someone an admin invited while no seat was left, put in line as the admin asked.
    pub fn over_limit(
        contract: &ContractId,
        email: EmailAddress,
        activities: &[ActivityId],
        invited_by: &crate::UserId,
        now: DateTime<Utc>,
    ) -> Self {
        let id = crate::WaitingId::random();
        Self {
            line: Line::Waiting,
            position: position_at(now, &id),
            id,
            contract_id: contract.clone(),
            email,
            link_id: None,
            invited_by: invited_by.clone(),
            activities: activities.to_vec(),
            joined_at: now,
        }
    }

    /// A request for an admin's yes, through a link that needs one.
    pub fn request(link: &crate::JoinLink, email: EmailAddress, now: DateTime<Utc>) -> Self {
        Self {
            line: Line::Approval,
            ..Self::new(link, email, now)
        }
    }

    /// The same person, approved while the contract is full: at the back of the waiting line.
    pub fn approved_to_wait(&self, now: DateTime<Utc>) -> Self {
        let id = crate::WaitingId::random();
        Self {
            line: Line::Waiting,
            position: position_at(now, &id),
            id,
            joined_at: now,
            ..self.clone()
        }
    }
}

/// A new entry's place: its time in microseconds, times 1,000, plus 0 to 999 from its id, so
/// two joining in the same microsecond still have places of their own.
fn position_at(now: DateTime<Utc>, id: &crate::WaitingId) -> i64 {
    let tie = id
        .to_bytes()
        .map_or(0, |b| i64::from(u16::from_be_bytes([b[0], b[1]]) % 1000));
    now.timestamp_micros() * 1000 + tie
}

/// Where an admin moves someone in the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    First,
    Up,
    Down,
}

/// The new positions a move takes, as (entry index, position) pairs, for `list` in order; `None`
/// when the move changes nothing (first moved up, last moved down).
pub fn plan_move(list: &[WaitingEntry], at: usize, to: Move) -> Option<Vec<(usize, i64)>> {
    match to {
        Move::First if at > 0 => Some(vec![(at, list[0].position - 1)]),
        // Two with one place (written before places were made distinct): step past it.
        Move::Up if at > 0 && list[at - 1].position == list[at].position => {
            Some(vec![(at, list[at].position - 1)])
        }
        Move::Up if at > 0 => Some(vec![
            (at, list[at - 1].position),
            (at - 1, list[at].position),
        ]),
        Move::Down if at + 1 < list.len() && list[at + 1].position == list[at].position => {
            Some(vec![(at, list[at].position + 1)])
        }
        Move::Down if at + 1 < list.len() => Some(vec![
            (at, list[at + 1].position),
            (at + 1, list[at].position),
        ]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WaitingId;
    use chrono::TimeZone;

    fn entry(position: i64) -> WaitingEntry {
        WaitingEntry {
            line: Line::Waiting,
            id: WaitingId::random(),
            contract_id: ContractId::parse("c1").unwrap(),
            email: EmailAddress::parse(&format!("p{position}@corp.example")).unwrap(),
            link_id: Some(JoinLinkId::random()),
            invited_by: crate::UserId::parse("admin").unwrap(),
            activities: vec![],
            joined_at: Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap(),
            position,
        }
    }

    #[test]
    fn moves_swap_neighbours_or_go_before_the_first() {
        let list = [entry(10), entry(20), entry(30)];
        assert_eq!(plan_move(&list, 2, Move::First), Some(vec![(2, 9)]));
        assert_eq!(plan_move(&list, 1, Move::Up), Some(vec![(1, 10), (0, 20)]));
        assert_eq!(
            plan_move(&list, 1, Move::Down),
            Some(vec![(1, 30), (2, 20)])
        );
        assert_eq!(plan_move(&list, 0, Move::Up), None);
        assert_eq!(plan_move(&list, 0, Move::First), None);
        assert_eq!(plan_move(&list, 2, Move::Down), None);
        // Two sharing a place still move.
        let tied = [entry(10), entry(20), entry(20)];
        assert_eq!(plan_move(&tied, 2, Move::Up), Some(vec![(2, 19)]));
        assert_eq!(plan_move(&tied, 1, Move::Down), Some(vec![(1, 21)]));
    }

    #[test]
    fn entries_made_at_the_same_moment_have_places_of_their_own_in_time_order() {
        let link_entry = |at: DateTime<Utc>| {
            WaitingEntry::over_limit(
                &ContractId::parse("c1").unwrap(),
                EmailAddress::parse("a@corp.example").unwrap(),
                &[],
                &crate::UserId::parse("admin").unwrap(),
                at,
            )
        };
        let at = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        let same: Vec<i64> = (0..50).map(|_| link_entry(at).position).collect();
        let distinct: std::collections::BTreeSet<i64> = same.iter().copied().collect();
        assert!(distinct.len() > 40, "ties are rare: {distinct:?}");
        let later = link_entry(at + chrono::Duration::microseconds(1)).position;
        assert!(same.iter().all(|p| *p < later));
    }
}
