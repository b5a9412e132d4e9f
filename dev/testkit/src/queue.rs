//! SQS queues of a test on moto (issue 33's chunk queue): one of its own, and everything on
//! it taken off.

/// A queue of this test's own (its name carries the test's tag); its URL.
pub async fn new_queue(sqs: &aws_sdk_sqs::Client, name: &str, tag: &str) -> String {
    sqs.create_queue()
        .queue_name(format!("{name}-{tag}"))
        .send()
        .await
        .expect("moto makes the queue")
        .queue_url()
        .expect("a queue has a URL")
        .to_owned()
}

/// Every message on the queue, taken off it (received, then deleted), as their bodies.
pub async fn take_bodies(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<String> {
    let mut bodies = Vec::new();
    loop {
        let got = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("moto answers a receive");
        if got.messages().is_empty() {
            return bodies;
        }
        for m in got.messages() {
            bodies.push(m.body().unwrap_or_default().to_owned());
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().expect("a received message's handle"))
                .send()
                .await
                .expect("moto deletes a received message");
        }
    }
}
