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
//! The order is each entry's `position` (its joining time in microseconds at first, so later
//! joiners come after): moving someone up swaps two positions, to the front takes one below
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
        Self {
            line: Line::Waiting,
            id: crate::WaitingId::random(),
            contract_id: link.contract_id.clone(),
            email,
            link_id: Some(link.id.clone()),
            invited_by: link.created_by.clone(),
            activities: link.activities.clone(),
            joined_at: now,
            position: now.timestamp_micros(),
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
        Self {
            line: Line::Waiting,
            id: crate::WaitingId::random(),
            contract_id: contract.clone(),
            email,
            link_id: None,
            invited_by: invited_by.clone(),
            activities: activities.to_vec(),
            joined_at: now,
            position: now.timestamp_micros(),
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
        Self {
            line: Line::Waiting,
            id: crate::WaitingId::random(),
            joined_at: now,
            position: now.timestamp_micros(),
            ..self.clone()
        }
    }
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
        Move::Up if at > 0 => Some(vec![
            (at, list[at - 1].position),
            (at - 1, list[at].position),
        ]),
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
    }
}
