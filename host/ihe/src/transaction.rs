//! The vocabulary every layer of the gateway shares: the two gateway [`Role`]s and the
//! [`Transaction`]s served in them. Routing, deadlines, metrics and audit records all
//! name a transaction or a role with these two types, never with strings or flags.

use crate::ebrs::actions as xds;
use crate::hl7v3::actions as hl7;

/// The two roles of a cross-community gateway [ITI TF-1 18.1, 27.1], and the endpoint
/// where xcgate serves each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Local initiators ask; the gateway asks the communities it reaches and aggregates
    /// (Initiating Gateway).
    Initiating,
    /// Remote gateways ask; the gateway answers for the local communities it fronts
    /// (Responding Gateway).
    Responding,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Initiating, Role::Responding];

    /// The role's name in config files and logs: `initiating`, `responding`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Initiating => "initiating",
            Role::Responding => "responding",
        }
    }

    /// The HTTP path of xcgate's endpoint for the role: `/initiating`, `/responding`.
    pub fn path(self) -> &'static str {
        match self {
            Role::Initiating => "/initiating",
            Role::Responding => "/responding",
        }
    }

    /// The role named `name` (as [`Role::name`] writes it).
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A transaction a gateway serves or sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transaction {
    /// Cross Gateway Patient Discovery [ITI TF-2 3.55].
    Iti55,
    /// Patient Location Query [ITI TF-2 3.56].
    Iti56,
    /// Cross Gateway Query [ITI TF-2 3.38].
    Iti38,
    /// Cross Gateway Retrieve [ITI TF-2 3.39].
    Iti39,
    /// Registry Stored Query, from a local Document Consumer (XDS Affinity Domain option
    /// [ITI TF-2 3.18]).
    Iti18,
    /// Retrieve Document Set, from a local Document Consumer [ITI TF-2 3.43].
    Iti43,
}

impl Transaction {
    pub const ALL: [Transaction; 6] = [
        Transaction::Iti55,
        Transaction::Iti56,
        Transaction::Iti38,
        Transaction::Iti39,
        Transaction::Iti18,
        Transaction::Iti43,
    ];

    /// `ITI-55`, ...: the label of logs and metrics, and the DICOM EventTypeCode's code.
    pub fn label(self) -> &'static str {
        match self {
            Transaction::Iti55 => "ITI-55",
            Transaction::Iti56 => "ITI-56",
            Transaction::Iti38 => "ITI-38",
            Transaction::Iti39 => "ITI-39",
            Transaction::Iti18 => "ITI-18",
            Transaction::Iti43 => "ITI-43",
        }
    }

    /// The transaction's name in IHE's words.
    pub fn title(self) -> &'static str {
        match self {
            Transaction::Iti55 => "Cross Gateway Patient Discovery",
            Transaction::Iti56 => "Patient Location Query",
            Transaction::Iti38 => "Cross Gateway Query",
            Transaction::Iti39 => "Cross Gateway Retrieve",
            Transaction::Iti18 => "Registry Stored Query",
            Transaction::Iti43 => "Retrieve Document Set",
        }
    }

    /// The cross-gateway transaction an initiating gateway sends for this one: a local
    /// ITI-18 goes out as ITI-38, an ITI-43 as ITI-39 [ITI TF-2 3.38.4.1.4, 3.39.6].
    pub fn cross_gateway(self) -> Transaction {
        match self {
            Transaction::Iti18 => Transaction::Iti38,
            Transaction::Iti43 => Transaction::Iti39,
            other => other,
        }
    }

    /// True for the transactions between gateways (served on both endpoints); ITI-18/43
    /// come only from local consumers.
    pub fn is_cross_gateway(self) -> bool {
        self.cross_gateway() == self
    }

    /// A document retrieve (ITI-39, ITI-43): the answer is MTOM/XOP [ITI TF-2 3.43.5].
    pub fn is_retrieve(self) -> bool {
        self.cross_gateway() == Transaction::Iti39
    }

    /// The `wsa:Action` of the synchronous request.
    pub fn request_action(self) -> &'static str {
        match self {
            Transaction::Iti55 => hl7::ITI55_REQUEST,
            Transaction::Iti56 => hl7::ITI56_REQUEST,
            Transaction::Iti38 => xds::ITI38_REQUEST,
            Transaction::Iti39 => xds::ITI39_REQUEST,
            Transaction::Iti18 => xds::ITI18_REQUEST,
            Transaction::Iti43 => xds::ITI43_REQUEST,
        }
    }

    /// The `wsa:Action` of the synchronous response.
    pub fn response_action(self) -> &'static str {
        match self {
            Transaction::Iti55 => hl7::ITI55_RESPONSE,
            Transaction::Iti56 => hl7::ITI56_RESPONSE,
            Transaction::Iti38 => xds::ITI38_RESPONSE,
            Transaction::Iti39 => xds::ITI39_RESPONSE,
            Transaction::Iti18 => xds::ITI18_RESPONSE,
            Transaction::Iti43 => xds::ITI43_RESPONSE,
        }
    }
}

impl std::fmt::Display for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_transactions_go_out_as_their_cross_gateway_twins() {
        assert_eq!(Transaction::Iti18.cross_gateway(), Transaction::Iti38);
        assert_eq!(Transaction::Iti43.cross_gateway(), Transaction::Iti39);
        assert!(Transaction::Iti43.is_retrieve() && Transaction::Iti39.is_retrieve());
        assert!(!Transaction::Iti18.is_cross_gateway());
        assert!(Transaction::Iti55.is_cross_gateway());
        for t in Transaction::ALL {
            assert_ne!(t.request_action(), t.response_action(), "{t}");
        }
    }

    #[test]
    fn roles_by_name() {
        for r in Role::ALL {
            assert_eq!(Role::from_name(r.name()), Some(r));
            assert_eq!(r.path(), format!("/{r}"));
        }
        assert_eq!(Role::from_name("both"), None);
    }
}
