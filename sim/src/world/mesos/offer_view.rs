//! Offers as Spark's Mesos backends see them (`org.apache.mesos.Protos.Offer`:
//! id, agent, hostname, resources, attributes), borrowed from the master's
//! books and the machines.

use std::collections::BTreeMap;

use policies::spark::coarse::Offer;

use crate::world::kernel::Machine;
use crate::world::mesos::master::Outstanding;

/// The backends' view of offers `ids`, borrowed from the master's books.
pub(crate) fn offer_batch<'a>(
    ids: &[u64],
    offers: &'a BTreeMap<u64, Outstanding>,
    machines: &'a [Machine],
) -> Vec<Offer<'a>> {
    ids.iter()
        .map(|id| offer_view(*id, &offers[id], machines))
        .collect()
}

/// The backends' view of one offer, as `id`.
pub(crate) fn offer_view<'a>(id: u64, o: &'a Outstanding, machines: &'a [Machine]) -> Offer<'a> {
    let machine = &machines[o.agent.index()];
    Offer {
        id,
        agent: o.agent,
        hostname: &machine.hostname,
        resources: &o.resources,
        attributes: &machine.attributes,
    }
}
