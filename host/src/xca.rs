//! XCA initiating role: ITI-38 / ITI-18 (stored queries) and ITI-39 / ITI-43 (retrieve)
//! from local consumers, fanned out to the communities that serve them [ITI TF-2 3.38,
//! 3.39; spec-summary §3, §9].

mod query;
mod retrieve;

pub use query::{aggregate_query, initiating_query};
pub use retrieve::{Attachment, RetrieveReply, aggregate_retrieve, initiating_retrieve};

use crate::gateway::Gateway;
use crate::plugin::{Capability, CommunityPlugin};
use std::sync::Arc;
use xcgate_ihe::hl7v3::bare_oid;

/// The community with this homeCommunityId (compared as bare OIDs, so a doubled
/// `urn:oid:urn:oid:` prefix still matches) that serves `capability`.
pub(crate) fn community_for(
    gw: &Gateway,
    home_community_id: &str,
    capability: Capability,
) -> Option<Arc<CommunityPlugin>> {
    let wanted = bare_oid(home_community_id);
    gw.communities
        .iter()
        .find(|c| bare_oid(&c.home_community_id) == wanted && c.supports(capability))
        .cloned()
}

/// Every community serving `capability`.
pub(crate) fn communities_with(gw: &Gateway, capability: Capability) -> Vec<Arc<CommunityPlugin>> {
    gw.communities
        .iter()
        .filter(|c| c.supports(capability))
        .cloned()
        .collect()
}
