//! XCA: ITI-38 / ITI-18 (stored queries) and ITI-39 / ITI-43 (retrieve). Initiating: from
//! local consumers, fanned out to the communities that serve them; responding: from remote
//! gateways, to the local communities this gateway fronts [ITI TF-2 3.38, 3.39;
//! ITI TF-3 4.2.4]. The routing and consolidation rules are the same.

mod query;
mod retrieve;

pub use query::{aggregate_query, stored_query};
pub use retrieve::{aggregate_retrieve, retrieve};

use crate::gateway::Gateway;
use crate::plugin::{Capability, CommunityPlugin};
use std::sync::Arc;
use xcgate_ihe::hl7v3::bare_oid;
use xcgate_ihe::transaction::Role;

/// The community reachable in `role` with this homeCommunityId (compared as bare OIDs, so a
/// doubled `urn:oid:urn:oid:` prefix still matches) that serves `capability`.
pub(crate) fn community_for(
    gw: &Gateway,
    role: Role,
    home_community_id: &str,
    capability: Capability,
) -> Option<Arc<CommunityPlugin>> {
    let wanted = bare_oid(home_community_id);
    gw.communities_for(role)
        .find(|c| bare_oid(&c.home_community_id) == wanted && c.supports(capability))
        .cloned()
}

/// Every community reachable in `role` that serves `capability`.
pub(crate) fn communities_with(
    gw: &Gateway,
    role: Role,
    capability: Capability,
) -> Vec<Arc<CommunityPlugin>> {
    gw.communities_for(role)
        .filter(|c| c.supports(capability))
        .cloned()
        .collect()
}
