//! Test helpers: the local AWS emulators, started on free loopback ports when they are not
//! already running, and a fresh table and bucket for every test so tests run in parallel.
//!
//! Set `MOTO_ENDPOINT` / `SES_ENDPOINT` to use emulators that are already up (the test script
//! does, so all test binaries share one of each). Otherwise the first test of a binary starts
//! them from the repo's `.venv` and `.tools` folders, with a watchdog that stops them when the
//! test process exits.

pub mod fixtures;
pub mod leading_keys;
pub mod memory;
pub mod queue;

pub use fixtures::{contract, join_link, t0, user, ContractBuilder};
mod api;
mod emulators;
mod env;
mod events;
mod intercept;
mod provision;
mod secrets;

pub use api::*;
pub use emulators::*;
pub use env::*;
pub use events::*;
pub use intercept::*;
pub use provision::*;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Credentials, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
};
use aws_sdk_dynamodb::Client;
use invitations_core::adapters::dynamo::items;
use invitations_core::adapters::{CognitoAccounts, DynamoStore};
use invitations_core::domain::{LinkKey, UserId};
use invitations_core::ports::StoreError;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
