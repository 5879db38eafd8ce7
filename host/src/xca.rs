//! XCA: ITI-38 / ITI-18 (stored queries) and ITI-39 / ITI-43 (retrieve). Initiating: from
//! local consumers, fanned out to the communities that serve them; responding: from remote
//! gateways, to the local communities this gateway fronts [ITI TF-2 3.38, 3.39;
//! ITI TF-3 4.2.4]. The routing and consolidation rules are the same.

mod affinity;
pub(crate) mod query;
pub(crate) mod retrieve;

pub use query::{aggregate_query, stored_query};
pub use retrieve::{aggregate_retrieve, retrieve};

use crate::gateway::{Endpoint, Gateway};
use crate::plugin::{Capability, CommunityPlugin};
use std::sync::Arc;
use xcgate_ihe::hl7v3::bare_oid;

/// Why no community can take a request, in words for the RegistryError's codeContext.
pub(crate) fn nobody_can(gw: &Gateway, at: &Endpoint, capability: Capability) -> String {
    let reachable = gw.communities_at(at).count();
    if reachable == 0 {
        format!(
            "no community is reachable at {}: every configured community is fronted on /responding",
            at.path()
        )
    } else {
        format!(
            "none of the {reachable} communities reachable at {} exports {}, the capability this transaction needs",
            at.path(),
            capability.interface_name()
        )
    }
}

/// The community reachable at `at` with this homeCommunityId (compared as bare OIDs, so a
/// doubled `urn:oid:urn:oid:` prefix still matches) that serves `capability`; otherwise
/// why not, for an `XDSUnknownCommunity` error.
pub(crate) fn community_for(
    gw: &Gateway,
    at: &Endpoint,
    home_community_id: &str,
    capability: Capability,
) -> Result<Arc<CommunityPlugin>, String> {
    let wanted = bare_oid(home_community_id);
    let named = gw
        .communities_at(at)
        .find(|c| bare_oid(&c.home_community_id) == wanted);
    match named {
        Some(c) if c.supports(capability) => Ok(c.clone()),
        Some(c) => Err(format!(
            "community {} ({}) cannot answer it: its plugin does not export {}",
            c.name,
            c.home_community_id,
            capability.interface_name()
        )),
        None => Err(format!(
            "no community with homeCommunityId {home_community_id} is served at {}",
            at.path()
        )),
    }
}

/// Every community reachable at `at` that serves `capability`.
pub(crate) fn communities_with(
    gw: &Gateway,
    at: &Endpoint,
    capability: Capability,
) -> Vec<Arc<CommunityPlugin>> {
    gw.communities_at(at)
        .filter(|c| c.supports(capability))
        .cloned()
        .collect()
}
