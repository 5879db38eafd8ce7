use super::*;

#[derive(Debug)]
struct Mock {
    hcid: String,
    timeout: Duration,
    answer_after: Duration,
}

impl Target for Mock {
    fn name(&self) -> &str {
        "mock"
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn home_community_id(&self) -> &str {
        &self.hcid
    }
}

fn mock(n: u32, answer_after_ms: u64, timeout_ms: u64) -> Arc<Mock> {
    Arc::new(Mock {
        hcid: format!("urn:oid:2.999.{n}"),
        timeout: Duration::from_millis(timeout_ms),
        answer_after: Duration::from_millis(answer_after_ms),
    })
}

async fn respond(m: Arc<Mock>, ctx: CallContext) -> Result<u32, CallFailure> {
    match tokio::time::timeout_at(ctx.deadline, tokio::time::sleep(m.answer_after)).await {
        Ok(()) => Ok(m.answer_after.as_millis() as u32),
        Err(_) => Err(CallFailure::Timeout(m.timeout)),
    }
}

#[tokio::test(start_paused = true)]
async fn every_community_that_answers_in_time_is_heard() {
    let communities = vec![mock(1, 10, 1000), mock(2, 50, 1000), mock(3, 30, 1000)];
    let out = fan_out(
        &communities,
        Instant::now() + Duration::from_secs(1),
        "r",
        None,
        None,
        respond,
    )
    .await;
    let answers: Vec<u32> = out.iter().map(|o| *o.result.as_ref().unwrap()).collect();
    assert_eq!(answers, [10, 50, 30]);
}

#[tokio::test(start_paused = true)]
async fn a_community_slower_than_its_timeout_is_named_and_the_others_still_answer() {
    let communities = vec![mock(1, 10, 1000), mock(2, 5000, 100)];
    let out = fan_out(
        &communities,
        Instant::now() + Duration::from_secs(1),
        "r",
        None,
        None,
        respond,
    )
    .await;
    assert!(out[0].result.is_ok());
    assert!(matches!(out[1].result, Err(CallFailure::Timeout(_))));
}

#[tokio::test(start_paused = true)]
async fn the_answer_leaves_at_the_request_deadline() {
    let start = Instant::now();
    let communities = vec![mock(1, 10, 60_000), mock(2, 30_000, 60_000)];
    let out = fan_out(
        &communities,
        start + Duration::from_millis(200),
        "r",
        None,
        None,
        respond,
    )
    .await;
    assert_eq!(start.elapsed(), Duration::from_millis(200));
    assert!(out[0].result.is_ok());
    assert!(matches!(out[1].result, Err(CallFailure::Timeout(_))));
}

#[tokio::test(start_paused = true)]
async fn a_call_that_ignores_its_deadline_is_cut_off_and_cancelled() {
    let communities = vec![mock(1, 10, 60_000)];
    let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = cancelled.clone();
    let start = Instant::now();
    let out = fan_out(
        &communities,
        start + Duration::from_millis(100),
        "r",
        None,
        None,
        move |_m, _ctx| {
            let flag = flag.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                flag.store(false, std::sync::atomic::Ordering::SeqCst);
                Ok::<u32, CallFailure>(1)
            }
        },
    )
    .await;
    assert_eq!(start.elapsed(), Duration::from_millis(100));
    assert!(matches!(out[0].result, Err(CallFailure::Timeout(_))));
    tokio::time::sleep(Duration::from_secs(7200)).await;
    assert!(
        cancelled.load(std::sync::atomic::Ordering::SeqCst),
        "the late call kept running after the deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn a_call_task_that_panics_is_an_internal_error_not_a_timeout() {
    let communities = vec![mock(1, 10, 1000), mock(2, 10, 1000)];
    let out = fan_out(
        &communities,
        Instant::now() + Duration::from_secs(1),
        "r",
        None,
        None,
        |m: Arc<Mock>, ctx| async move {
            if m.hcid.ends_with(".2") {
                panic!("a bug in the host's call path");
            }
            respond(m, ctx).await
        },
    )
    .await;
    assert_eq!(out[0].result, Ok(10));
    assert_eq!(out[1].result, Err(CallFailure::Internal));
    assert!(
        out[1].elapsed < Duration::from_secs(1),
        "reported at once, not at the deadline"
    );
}
