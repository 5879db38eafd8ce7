//! The sandbox cost: instantiate + call + drop of the demo community adapter for one ITI-55
//! query (target: ≤ 60 µs p50, README, "Load benchmark"). `cargo bench -p xcgate --bench plugin_call`

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use std::time::Duration;
use xcgate::call::CallContext;
use xcgate::config::Config;
use xcgate::gateway::Gateway;
use xcgate::plugin::PluginRuntime;
use xcgate::process::{Process, runtime_options};
use xcgate_ihe::xcpd::{Ii, PatientQuery, PersonName, TimeQuery};

fn bench(c: &mut Criterion) {
    let config = Config::demo().expect("demo config");
    let runtime = PluginRuntime::new(runtime_options(&config)).expect("runtime");
    let process = Process::offline(&config, runtime.clone());
    let gw = Gateway::load(config, &process).expect("demo loads");
    let pirkanmaa = gw
        .communities
        .iter()
        .find(|c| &*c.name == "pirkanmaa")
        .expect("pirkanmaa")
        .clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();

    let by_id = Arc::new(PatientQuery {
        ids: vec![Ii::new("1.2.246.21", Some("120390-904J"))],
        ..Default::default()
    });
    let by_demographics = Arc::new(PatientQuery {
        names: vec![PersonName {
            family: vec!["Virtanen".into()],
            given: vec!["Aino".into()],
            ..Default::default()
        }],
        birth_time: Some(TimeQuery {
            value: Some("19900312".into()),
            ..Default::default()
        }),
        gender: Some("F".into()),
        ..Default::default()
    });
    println!("pooling allocator: {}", runtime.is_pooling());
    for (label, query) in [("by_id", by_id), ("by_demographics", by_demographics)] {
        c.bench_function(&format!("demo_community_discover_patients_{label}"), |b| {
            b.to_async(&rt).iter(|| {
                let (community, query) = (pirkanmaa.clone(), query.clone());
                async move {
                    let ctx = CallContext {
                        request_id: "bench".into(),
                        deadline: tokio::time::Instant::now() + Duration::from_secs(5),
                        target_home_community_id: community.home_community_id.clone(),
                        initiator_home_community_id: None,
                        user: None,
                        probe: None,
                    };
                    let matches = community
                        .discover_patients(&ctx, &query)
                        .await
                        .expect("the demo answers");
                    assert_eq!(matches.len(), 1);
                }
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
