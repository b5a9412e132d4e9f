//! Blobs on S3: the imports bucket.

use crate::ports::{BlobError, BlobInfo, Blobs};
use async_trait::async_trait;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::StreamExt;

#[derive(Clone, Debug)]
pub struct S3Blobs {
    client: Client,
    bucket: String,
}

impl S3Blobs {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

fn storage<E: std::error::Error + 'static, R: std::fmt::Debug>(
    err: aws_sdk_s3::error::SdkError<E, R>,
) -> BlobError {
    BlobError::Storage(DisplayErrorContext(&err).to_string())
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn head(&self, key: &str) -> Result<BlobInfo, BlobError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(BlobInfo {
                size: out.content_length().unwrap_or(0).max(0) as u64,
                etag: out.e_tag().map(str::to_owned),
                metadata: out.metadata().cloned().unwrap_or_default(),
            }),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => {
                Err(BlobError::NotFound)
            }
            Err(err) => Err(storage(err)),
        }
    }

    async fn read(
        &self,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        self.get(key, if_match, None).await
    }

    async fn read_range(
        &self,
        key: &str,
        if_match: Option<&str>,
        start: u64,
        end: Option<u64>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        if end.is_some_and(|end| end <= start) {
            return Ok(futures::stream::empty().boxed());
        }
        // HTTP ranges name their last byte.
        let range = match end {
            Some(end) => format!("bytes={start}-{}", end - 1),
            None => format!("bytes={start}-"),
        };
        self.get(key, if_match, Some(range)).await
    }
    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, BlobError> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(storage)?;
            for object in page.contents() {
                if let Some(key) = object.key() {
                    let size = object.size().unwrap_or(0).max(0) as u64;
                    keys.push((key.to_owned(), size));
                }
            }
        }
        Ok(keys)
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn presigned_get(
        &self,
        key: &str,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError> {
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|e| BlobError::Storage(e.to_string()))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(storage)?;
        Ok(request.uri().to_string())
    }

    async fn start_upload(&self, key: &str, content_type: &str) -> Result<String, BlobError> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(storage)?;
        out.upload_id()
            .map(str::to_owned)
            .ok_or_else(|| BlobError::Storage("no upload id".into()))
    }

    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: i32,
        body: Vec<u8>,
    ) -> Result<String, BlobError> {
        let out = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(part_number)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(storage)?;
        Ok(out.e_tag().unwrap_or_default().to_owned())
    }

    async fn finish_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: Vec<(i32, String)>,
    ) -> Result<(), BlobError> {
        use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
        let parts = parts
            .into_iter()
            .map(|(n, etag)| CompletedPart::builder().part_number(n).e_tag(etag).build())
            .collect();
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), BlobError> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn copy(&self, from: &str, to: &str, if_match: Option<&str>) -> Result<(), BlobError> {
        match self
            .client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{}", self.bucket, urlencoding_path(from)))
            .set_copy_source_if_match(if_match.map(quoted))
            .key(to)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if precondition_failed(&err) => Err(BlobError::Changed),
            Err(err) => Err(storage(err)),
        }
    }

    async fn presigned_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError> {
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|e| BlobError::Storage(e.to_string()))?;
        let content_length = i64::try_from(content_length)
            .map_err(|_| BlobError::Storage("content length out of range".into()))?;
        // An explicit length is a signed header (the SDK leaves out only its default), so the
        // URL takes a body of this size and no other: the upload's size limit, enforced by S3.
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(content_length)
            .presigned(config)
            .await
            .map_err(storage)?;
        Ok(request.uri().to_string())
    }
}

/// A key as CopyObject's `CopySource` wants it: percent-encoded, with its slashes kept.
fn urlencoding_path(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// S3's answer to an `If-Match` that no longer holds: 412 Precondition Failed.
fn precondition_failed<E>(
    err: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    err.raw_response()
        .is_some_and(|r| r.status().as_u16() == 412)
}

/// An ETag as S3's conditional headers take it, in quotes (events carry it without).
fn quoted(etag: &str) -> String {
    format!("\"{}\"", etag.trim_matches('"'))
}

impl S3Blobs {
    /// The object (or the `range` of it) as a stream of byte chunks.
    async fn get(
        &self,
        key: &str,
        if_match: Option<&str>,
        range: Option<String>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_if_match(if_match.map(quoted))
            .set_range(range)
            .send()
            .await
        {
            Ok(out) => out,
            Err(err) if err.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Err(BlobError::NotFound)
            }
            Err(err) if precondition_failed(&err) => return Err(BlobError::Changed),
            Err(err) => return Err(storage(err)),
        };
        let chunks = futures::stream::unfold(out.body, |mut body: ByteStream| async move {
            match body.try_next().await {
                Ok(Some(chunk)) => Some((Ok(chunk), body)),
                Ok(None) => None,
                Err(err) => Some((Err(BlobError::Storage(err.to_string())), body)),
            }
        });
        Ok(chunks.boxed())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_copy_source_is_percent_encoded_but_keeps_its_slashes() {
        assert_eq!(
            super::urlencoding_path("imports/c-1/list é+1.csv"),
            "imports/c-1/list%20%C3%A9%2B1.csv"
        );
    }
}
