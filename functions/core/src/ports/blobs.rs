//! The imports bucket: uploaded files, reports and exports.

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("no such object")]
    NotFound,
    /// The object is not the one named by its ETag any more (another PUT replaced it).
    #[error("the object was replaced")]
    Changed,
    #[error("storage call failed: {0}")]
    Storage(String),
}

/// Object metadata that matters for imports.
#[derive(Debug, Clone, Default)]
pub struct BlobInfo {
    pub size: u64,
    /// S3's ETag of this version of the object.
    pub etag: Option<String>,
    pub metadata: std::collections::HashMap<String, String>,
}

#[async_trait]
pub trait Blobs: Send + Sync {
    async fn head(&self, key: &str) -> Result<BlobInfo, BlobError>;
    /// The object as a stream of byte chunks, so memory stays flat whatever its size.
    /// `if_match`: only the version with this ETag ([`BlobError::Changed`] otherwise), so a
    /// file replaced after its event is never read in its place.
    async fn read(
        &self,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, BlobError>>, BlobError>;
    /// The bytes `start..end` of the object (`end`: its end when `None`), as [`Self::read`]
    /// streams the whole: a chunk of a large import reads its range of the file (issue 33).
    async fn read_range(
        &self,
        key: &str,
        if_match: Option<&str>,
        start: u64,
        end: Option<u64>,
    ) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, BlobError>>, BlobError>;
    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<(), BlobError>;
    /// Every key under `prefix` ("" for the whole bucket), with its size.
    async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, BlobError>;
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// A URL a browser can GET the object from, valid for `expires_in`.
    async fn presigned_get(
        &self,
        key: &str,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError>;
    /// Multipart upload, for objects written as they are produced (import reports).
    async fn start_upload(&self, key: &str, content_type: &str) -> Result<String, BlobError>;
    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: i32,
        body: Vec<u8>,
    ) -> Result<String, BlobError>;
    async fn finish_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: Vec<(i32, String)>,
    ) -> Result<(), BlobError>;
    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), BlobError>;
    /// Copies an object inside the bucket (S3 announces the copy as it does a new file);
    /// `if_match`: only the version with this ETag ([`BlobError::Changed`] otherwise).
    async fn copy(&self, from: &str, to: &str, if_match: Option<&str>) -> Result<(), BlobError>;
    /// A URL a browser can PUT the object to, valid for `expires_in`, for a body of exactly
    /// `content_length` bytes (the length is signed, so S3 refuses any other).
    async fn presigned_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError>;
}
