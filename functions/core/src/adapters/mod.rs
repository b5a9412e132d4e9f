//! AWS adapters for the ports.

pub mod cognito;
pub mod dynamo;
pub mod s3;
pub mod secrets;
pub mod ses;

pub use cognito::CognitoAccounts;
pub use dynamo::DynamoStore;
pub use s3::S3Blobs;
pub use ses::SesMailer;
