//! AWS adapters for the ports.

pub mod dynamo;
pub mod s3;
pub mod ses;

pub use dynamo::DynamoStore;
pub use s3::S3Blobs;
pub use ses::SesMailer;
