//! Imports on DynamoDB: an import's record in its contract's partition, its progress, its
//! audit record and refused uploads.

use super::directory::put;
use super::items::*;
use super::{db_error, failed_condition, DynamoStore, TxOutcome};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::{DateTime, Utc};

#[async_trait]
impl ImportStore for DynamoStore {
    async fn create_import(&self, import: &Import) -> Result<bool, StoreError> {
        self.put_if_absent(import_item(import)).await
    }

    async fn create_import_from_check(
        &self,
        import: &Import,
        check: &ImportId,
    ) -> Result<FromCheck, StoreError> {
        let claim = Update::builder()
            .table_name(self.table())
            .key("pk", s(contract_pk(&import.contract_id)))
            .key("sk", s(import_sk(check)))
            .update_expression("SET invited_as = :new")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(invited_as)")
            .expression_attribute_values(":new", s(import.id.as_str()))
            .build()
            .expect("update is complete");
        let items = vec![
            TransactWriteItem::builder().update(claim).build(),
            put(
                self.table(),
                import_item(import),
                Some("attribute_not_exists(pk)"),
            ),
        ];
        match self.transact(items).await? {
            TxOutcome::Done => Ok(FromCheck::Created),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => {
                let used = self
                    .get(contract_pk(&import.contract_id), &import_sk(check))
                    .await?
                    .and_then(|item| item.get("invited_as").and_then(|v| v.as_s().ok()).cloned())
                    .and_then(|id| ImportId::parse(&id).ok())
                    .ok_or_else(|| {
                        StoreError::Database(format!("check {check} is gone or was never claimed"))
                    })?;
                Ok(FromCheck::AlreadyInvited(used))
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "inviting from check {check} was cancelled: {reasons:?}"
            ))),
        }
    }

    async fn save_import(&self, import: &Import) -> Result<(), StoreError> {
        let item = import_item(import);
        let mut request = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", item["pk"].clone())
            .key("sk", item["sk"].clone())
            .expression_attribute_values(":import", item["import"].clone())
            .expression_attribute_values(":updated", item["updated_at"].clone())
            .expression_attribute_values(":type", s("import"));
        request = match &import.upload {
            Some(upload) => request
                .update_expression(
                    "SET #import = :import, updated_at = :updated, #type = :type, upload = :upload",
                )
                .condition_expression("attribute_not_exists(upload) OR upload = :upload")
                .expression_attribute_values(":upload", s(upload)),
            None => request
                .update_expression("SET #import = :import, updated_at = :updated, #type = :type")
                .condition_expression("attribute_not_exists(upload)"),
        };
        match request
            .expression_attribute_names("#type", "type")
            .expression_attribute_names("#import", "import")
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::Contended)
            }
            Err(err) => Err(db_error(err)),
        }
    }

    async fn audit_import(&self, import: &Import, at: DateTime<Utc>) -> Result<(), StoreError> {
        let file = import.file_name.as_deref().unwrap_or("a file");
        let detail = match &import.put_by {
            Some(who) => format!("{file} put into the imports bucket by {who}"),
            None => format!("{file} put into the imports bucket"),
        };
        let mut item = audit_item(
            &import.contract_id,
            &AuditRecord {
                activities: Vec::new(),
                at,
                actor: import.created_by.clone(),
                action: AuditAction::Import,
                subjects: vec![import.id.to_string()],
                detail: Some(detail),
                invitation_id: None,
            },
            self.audit_kept(),
        );
        // Once per import and file, however often the event comes.
        item.insert(
            "sk".into(),
            s(audit_sk_once(
                at,
                &format!(
                    "import|{}|{}",
                    import.id,
                    import.upload.as_deref().unwrap_or("")
                ),
            )),
        );
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn refuse_upload(
        &self,
        contract: &ContractId,
        id: &ImportId,
        sequencer: &str,
    ) -> Result<(), StoreError> {
        self.client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(contract_pk(contract)))
            .key("sk", s(import_sk(id)))
            .update_expression("ADD refused_uploads :seq")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":seq", AttributeValue::Ss(vec![sequencer.to_owned()]))
            .send()
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn get_import(
        &self,
        contract: &ContractId,
        id: &ImportId,
    ) -> Result<Option<Import>, StoreError> {
        let import = self
            .get(contract_pk(contract), &import_sk(id))
            .await?
            .as_ref()
            .map(import_from)
            .transpose()?;
        match import {
            Some(import) => Ok(Some(self.with_progress(import).await?)),
            None => Ok(None),
        }
    }

    async fn list_imports(&self, contract: &ContractId) -> Result<Vec<Import>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
            .expression_attribute_values(":pk", s(contract_pk(contract)))
            .expression_attribute_values(":p", s(IMPORT_SK_PREFIX))
            .scan_index_forward(false)
            .limit(100)
            .send()
            .await
            .map_err(db_error)?;
        let mut imports = Vec::with_capacity(out.items().len());
        for item in out.items() {
            imports.push(self.with_progress(import_from(item)?).await?);
        }
        Ok(imports)
    }
}

impl DynamoStore {
    /// A large import running in chunks (issue 33) with its progress as its chunks stand: the
    /// record itself only learns it when the last chunk ends.
    async fn with_progress(&self, mut import: Import) -> Result<Import, StoreError> {
        if import.chunks > 0 && import.status == ImportStatus::Running {
            let chunks = self.list_chunks(&import.contract_id, &import.id).await?;
            import.gather(&chunks);
        }
        Ok(import)
    }
}
