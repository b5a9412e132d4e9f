//! Contracts and users on DynamoDB (imports: `imports.rs`).

use super::invitations::tx_update;
use super::items::*;
use super::{db_error, failed_condition, DynamoStore, TxOutcome, MAX_ATTEMPTS};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

/// Pages a directory search reads at most; the USERS partition is searched by prefix first.
const MAX_SEARCH_PAGES: usize = 20;

/// A conditional put whose condition names attributes and values.
fn put_with<const N: usize>(
    table: &str,
    item: Item,
    condition: &str,
    names: &[(&str, &str)],
    values: [(&str, AttributeValue); N],
) -> TransactWriteItem {
    let mut put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition);
    for (k, v) in names {
        put = put.expression_attribute_names(*k, *v);
    }
    for (k, v) in values {
        put = put.expression_attribute_values(k, v);
    }
    TransactWriteItem::builder()
        .put(put.build().expect("put is complete"))
        .build()
}

pub(super) fn put(table: &str, item: Item, condition: Option<&str>) -> TransactWriteItem {
    TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .set_condition_expression(condition.map(str::to_owned))
                .build()
                .expect("put is complete"),
        )
        .build()
}

impl DynamoStore {
    /// One change to a contract's admins, with its audit record, in one transaction.
    async fn change_admins(
        &self,
        contract: &ContractId,
        update: Update,
        audit: AuditRecord,
    ) -> Result<TxOutcome, StoreError> {
        self.transact(vec![tx_update(update), self.put_audit(contract, audit)])
            .await
    }

    /// One change to a contract's settings, audited in the same transaction.
    async fn change_settings(
        &self,
        contract: &ContractId,
        expression: &str,
        values: Item,
        detail: String,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError> {
        let update = self
            .admins_update(contract)
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_values(Some(values))
            .build()
            .expect("update is complete");
        let audit = AuditRecord {
            activities: Vec::new(),
            at,
            actor: Some(by.clone()),
            action: AuditAction::ContractSettings,
            subjects: vec![contract.to_string()],
            detail: Some(detail),
            invitation_id: None,
        };
        match self.change_admins(contract, update, audit).await? {
            TxOutcome::Done => self.get_contract(contract).await,
            TxOutcome::Cancelled(_) => Ok(None),
        }
    }

    fn admins_update(
        &self,
        contract: &ContractId,
    ) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
        Update::builder()
            .table_name(self.table())
            .key("pk", s(contract_pk(contract)))
            .key("sk", s(CONTRACT_SK))
    }
}

fn admin_audit(action: AuditAction, admin: &UserId, by: &UserId, at: DateTime<Utc>) -> AuditRecord {
    AuditRecord {
        activities: Vec::new(),
        at,
        actor: Some(by.clone()),
        action,
        subjects: vec![admin.to_string()],
        detail: None,
        invitation_id: None,
    }
}

#[async_trait]
impl ContractStore for DynamoStore {
    /// Writes a contract whole, counters included: for seeding and administration tools, not
    /// for changes while invitations are being made.
    async fn put_contract(&self, contract: &Contract) -> Result<(), StoreError> {
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(contract_item(contract)))
            .send()
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn get_contract(&self, id: &ContractId) -> Result<Option<Contract>, StoreError> {
        Ok(self
            .get(contract_pk(id), CONTRACT_SK)
            .await?
            .as_ref()
            .map(contract_from)
            .transpose()?)
    }

    async fn list_contracts(&self) -> Result<Vec<Contract>, StoreError> {
        Ok(self
            .gsi1_all(CONTRACTS_GSI1PK)
            .await?
            .iter()
            .map(contract_from)
            .collect::<Result<_, _>>()?)
    }

    async fn set_contract_mail(
        &self,
        contract: &ContractId,
        mail: &ContractMail,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError> {
        let mut values = Item::from([(":lang".into(), s(mail.language.code()))]);
        let expression = match &mail.custom {
            Some(custom) => {
                values.insert(":subject".into(), s(custom.subject()));
                values.insert(":message".into(), s(custom.message()));
                "SET mail_language = :lang, mail_subject = :subject, mail_message = :message"
            }
            None => "SET mail_language = :lang REMOVE mail_subject, mail_message",
        };
        let detail = match &mail.custom {
            Some(_) => format!("mail: its own text, in {}", mail.language.name()),
            None => format!("mail: the standard text, in {}", mail.language.name()),
        };
        self.change_settings(contract, expression, values, detail, by, at)
            .await
    }

    async fn set_contract_dates(
        &self,
        contract: &ContractId,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError> {
        let values = Item::from([
            (":starts".into(), ms(starts_at)),
            (":ends".into(), ms(ends_at)),
        ]);
        let detail = format!(
            "dates: from {} to {}",
            starts_at.format("%Y-%m-%d %H:%M UTC"),
            ends_at.format("%Y-%m-%d %H:%M UTC")
        );
        let after = self
            .change_settings(
                contract,
                "SET starts_at = :starts, ends_at = :ends",
                values,
                detail,
                by,
                at,
            )
            .await?;
        if after.is_some() {
            // Should this second write not happen, the contract still wakes at its old start
            // and moves itself to the new one (scheduled.rs).
            self.follow_start(contract, starts_at).await?;
        }
        Ok(after)
    }

    async fn set_reminder_plan(
        &self,
        contract: &ContractId,
        plan: &ReminderPlan,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError> {
        let json = serde_json::to_string(plan).expect("a plan serialises");
        let values = Item::from([(":plan".into(), s(&json))]);
        self.change_settings(
            contract,
            "SET reminders = :plan",
            values,
            format!("reminders: {json}"),
            by,
            at,
        )
        .await
    }

    async fn contract_funnel(
        &self,
        contract: &ContractId,
    ) -> Result<Option<(Contract, Funnel)>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .key("pk", s(contract_pk(contract)))
            .key("sk", s(CONTRACT_SK))
            .send()
            .await
            .map_err(db_error)?;
        match out.item() {
            None => Ok(None),
            Some(item) => Ok(Some((contract_from(item)?, funnel_from(item)?))),
        }
    }

    async fn queue_test_mail(
        &self,
        test: &TestMail,
        per_hour: u32,
    ) -> Result<TestMailQueued, StoreError> {
        let mut item = test_mail_item(test);
        item.insert("delivery".into(), s("queued"));
        let audit = AuditRecord {
            activities: Vec::new(),
            at: test.queued_at,
            actor: Some(test.requested_by.clone()),
            action: AuditAction::TestMail,
            subjects: vec![test.to.identity().to_owned()],
            detail: None,
            invitation_id: None,
        };
        let counter = Update::builder()
            .table_name(self.table())
            .set_key(Some(test_mail_counter_key(
                &test.requested_by,
                test.queued_at,
            )))
            .update_expression("ADD sent :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(sent) OR sent < :max")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":max", AttributeValue::N(per_hour.to_string()))
            .expression_attribute_values(
                ":ttl",
                ttl_at(test.queued_at + chrono::Duration::hours(2)),
            )
            .build()
            .expect("update is complete");
        match self
            .transact(vec![
                TransactWriteItem::builder().update(counter).build(),
                put(self.table(), item, Some("attribute_not_exists(pk)")),
                self.put_audit(&test.contract, audit),
            ])
            .await?
        {
            TxOutcome::Done => Ok(TestMailQueued::Queued),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => {
                Ok(TestMailQueued::LimitReached)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "queueing a test mail was cancelled: {reasons:?}"
            ))),
        }
    }

    async fn add_contract_admin(
        &self,
        contract: &ContractId,
        admin: &UserId,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError> {
        // Appended only if absent, so two admins adding the same person add them once, and
        // two adding different people both land.
        let update = self
            .admins_update(contract)
            .update_expression("SET admins = list_append(admins, :new)")
            .condition_expression("attribute_exists(pk) AND NOT contains(admins, :admin)")
            .expression_attribute_values(":new", list_s(std::slice::from_ref(admin)))
            .expression_attribute_values(":admin", s(admin.as_str()))
            .build()
            .expect("update is complete");
        let audit = admin_audit(AuditAction::AddAdmin, admin, by, at);
        // Done, or refused because there is no contract or they are an admin already.
        self.change_admins(contract, update, audit).await?;
        self.get_contract(contract).await
    }

    async fn remove_contract_admin(
        &self,
        contract: &ContractId,
        admin: &UserId,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError> {
        // A list element is removed by its index: the condition checks it still holds this
        // admin, and a change in between (another admin added or removed) means read again.
        for _ in 0..MAX_ATTEMPTS {
            let Some(current) = self.get_contract(contract).await? else {
                return Ok(None);
            };
            let Some(index) = current.admins.iter().position(|a| a == admin) else {
                return Ok(Some(current));
            };
            let update = self
                .admins_update(contract)
                .update_expression(format!("REMOVE admins[{index}]"))
                .condition_expression(format!("admins[{index}] = :admin"))
                .expression_attribute_values(":admin", s(admin.as_str()))
                .build()
                .expect("update is complete");
            let audit = admin_audit(AuditAction::RemoveAdmin, admin, by, at);
            if let TxOutcome::Done = self.change_admins(contract, update, audit).await? {
                return self.get_contract(contract).await;
            }
        }
        Err(StoreError::Contended)
    }
}

#[async_trait]
impl PeopleStore for DynamoStore {
    async fn put_user(&self, user: &User) -> Result<bool, StoreError> {
        let mut items = vec![put(
            self.table(),
            user_item(user),
            Some("attribute_not_exists(pk)"),
        )];
        // Only a proved address leads to its person (see `User::email_verified`), and never
        // to someone removed from the pool (issue 32).
        if user.email_verified && !matches!(user.standing, Standing::Removed { .. }) {
            items.push(put(
                self.table(),
                user_email_item(user),
                Some("attribute_not_exists(pk)"),
            ));
        }
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(1)) => Ok(false),
            TxOutcome::Cancelled(_) => Err(StoreError::Database(format!(
                "user id {} is taken",
                user.id
            ))),
        }
    }

    async fn sync_user(&self, user: &User) -> Result<SyncOutcome, StoreError> {
        for _ in 0..MAX_ATTEMPTS {
            let current = self.get_user(&user.id).await?;
            let mut wanted = user.clone();
            if let Some(current) = &current {
                wanted.created_at = current.created_at;
                if current == &wanted {
                    return Ok(SyncOutcome::Unchanged);
                }
            }
            let id = s(wanted.id.as_str());
            // The record: created if absent, else replaced only as it was read (a concurrent
            // sync or enrolment makes this round start again from what it wrote).
            let record = match &current {
                None => put(self.table(), user_item(&wanted), Some("attribute_not_exists(pk)")),
                Some(old) => put_with(
                    self.table(),
                    user_item(&wanted),
                    "email = :old_email AND #name = :old_name AND (system_admin = :old_admin OR attribute_not_exists(system_admin)) AND (email_verified = :old_verified OR attribute_not_exists(email_verified)) AND (standing = :old_standing OR attribute_not_exists(standing))",
                    &[("#name", "name")],
                    [
                        (":old_email", s(old.email.as_entered())),
                        (":old_name", s(&old.name)),
                        (":old_admin", AttributeValue::Bool(old.system_admin)),
                        (":old_verified", AttributeValue::Bool(old.email_verified)),
                        (":old_standing", s(old.standing.as_str())),
                    ],
                ),
            };
            let mut items = vec![record];
            // The address -> person pointer follows the proved address only: an account that
            // claims an address without proving it never holds (or keeps) the pointer, so
            // nothing matches it by that address (issue 26).
            // Written whenever the record is (idempotent for its holder); an address another
            // record already holds (two accounts for one address) keeps its first owner, see
            // below. The old address's pointer goes when the address changed or is no longer
            // proved (a record from before the flag may hold one while it reads unproved).
            // Nor does a person removed from the pool hold it (issue 32): their address may
            // come back as a new account, which the address must then lead to; the same
            // subject back again gets it back.
            let has = (wanted.email_verified
                && !matches!(wanted.standing, Standing::Removed { .. }))
            .then(|| wanted.email.identity().to_owned());
            let had = current.as_ref().map(|c| c.email.identity().to_owned());
            if has.is_some() {
                items.push(put_with(
                    self.table(),
                    user_email_item(&wanted),
                    "attribute_not_exists(pk) OR user_id = :id",
                    &[],
                    [(":id", id.clone())],
                ));
            }
            if let Some(old) = had.filter(|old| Some(old) != has.as_ref()) {
                items.push(
                    TransactWriteItem::builder()
                        .delete(
                            Delete::builder()
                                .table_name(self.table())
                                .key("pk", s(user_email_pk(&old)))
                                .key("sk", s(USER_EMAIL_SK))
                                .condition_expression("attribute_not_exists(pk) OR user_id = :id")
                                .expression_attribute_values(":id", id.clone())
                                .build()
                                .expect("delete is complete"),
                        )
                        .build(),
                );
            }
            match self.transact(items).await? {
                TxOutcome::Done => return Ok(SyncOutcome::Written),
                TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => continue,
                TxOutcome::Cancelled(_) => {
                    // The address belongs to another record: keep the pointer with its owner
                    // (enrolments match that one) and keep this person's record current.
                    tracing::warn!(user = %wanted.id, "the address is held by another directory record");
                    let record = match &current {
                        None => self
                            .client()
                            .put_item()
                            .table_name(self.table())
                            .set_item(Some(user_item(&wanted)))
                            .condition_expression("attribute_not_exists(pk)"),
                        Some(old) => self
                            .client()
                            .put_item()
                            .table_name(self.table())
                            .set_item(Some(user_item(&wanted)))
                            .condition_expression("email = :old_email AND #name = :old_name AND (standing = :old_standing OR attribute_not_exists(standing))")
                            .expression_attribute_names("#name", "name")
                            .expression_attribute_values(":old_email", s(old.email.as_entered()))
                            .expression_attribute_values(":old_name", s(&old.name))
                            .expression_attribute_values(
                                ":old_standing",
                                s(old.standing.as_str()),
                            ),
                    };
                    match record.send().await {
                        Ok(_) => return Ok(SyncOutcome::Written),
                        Err(e)
                            if e.as_service_error().is_some_and(
                                PutItemError::is_conditional_check_failed_exception,
                            ) =>
                        {
                            continue
                        }
                        Err(e) => return Err(db_error(e)),
                    }
                }
            }
        }
        Err(StoreError::Contended)
    }

    async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        Ok(self
            .get(user_pk(id), USER_SK)
            .await?
            .as_ref()
            .map(user_from)
            .transpose()?)
    }

    async fn find_user_by_email(&self, identity: &str) -> Result<Option<User>, StoreError> {
        let Some(pointer) = self.get(user_email_pk(identity), USER_EMAIL_SK).await? else {
            return Ok(None);
        };
        let id = Reader(&pointer).id("user_id", UserId::parse)?;
        // The pointer is written with the proved address only; the record is checked too, so
        // a pointer left from before cannot lead to an account that no longer proves it, nor to
        // one removed from the pool.
        Ok(self.get_user(&id).await?.filter(|u| {
            u.email_verified
                && u.email.identity() == identity
                && !matches!(u.standing, Standing::Removed { .. })
        }))
    }

    async fn search_users_page(
        &self,
        query: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<UserPage, StoreError> {
        let q = query.trim().to_lowercase();
        let limit = limit.clamp(1, 200);
        // A cursor names the last person of the previous page: their id and address.
        let mut start = match cursor {
            None => None,
            Some(c) => Some(user_cursor_key(c).ok_or(StoreError::BadCursor)?),
        };
        let mut users: Vec<User> = Vec::new();
        for _ in 0..MAX_SEARCH_PAGES {
            let mut request = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :p")
                .expression_attribute_values(":p", s(USERS_GSI1PK))
                .set_exclusive_start_key(start);
            if !q.is_empty() {
                request = request
                    .filter_expression("begins_with(gsi1sk, :q) OR contains(name_lc, :q)")
                    .expression_attribute_values(":q", s(&q));
            }
            let out = request.send().await.map_err(db_error)?;
            let mut items = out.items().iter();
            for item in items.by_ref() {
                users.push(user_from(item)?);
                if users.len() == limit {
                    break;
                }
            }
            start = out.last_evaluated_key().cloned();
            if users.len() == limit {
                // More may follow: from this page's last person (the rest of the query page
                // is read again by the next call).
                let more = items.next().is_some() || start.is_some();
                let last = users.last().expect("limit is at least 1");
                let next_cursor = more.then(|| user_cursor(last));
                return Ok(UserPage { users, next_cursor });
            }
            if start.is_none() {
                return Ok(UserPage {
                    users,
                    next_cursor: None,
                });
            }
        }
        // Read as many pages as one call may: hand back where to go on from.
        let next_cursor = start.as_ref().and_then(|key| {
            let (pk, identity) = (key.get("pk")?.as_s().ok()?, key.get("gsi1sk")?.as_s().ok()?);
            let id = UserId::parse(pk.strip_prefix(USER_PK_PREFIX)?).ok()?;
            Some(cursor_at(&id, identity))
        });
        Ok(UserPage { users, next_cursor })
    }
}

/// The cursor after `user`: their id and address, which make the index position.
fn user_cursor(user: &User) -> String {
    cursor_at(&user.id, user.email.identity())
}

fn cursor_at(id: &UserId, identity: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{id}\n{identity}"))
}

/// The index position a cursor names; `None` for a cursor this store did not make.
fn user_cursor_key(cursor: &str) -> Option<Item> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (id, identity) = text.split_once('\n')?;
    let id = UserId::parse(id).ok()?;
    let identity = EmailAddress::parse(identity).ok()?;
    Some(Item::from([
        ("pk".into(), s(user_pk(&id))),
        ("sk".into(), s(USER_SK)),
        ("gsi1pk".into(), s(USERS_GSI1PK)),
        ("gsi1sk".into(), s(identity.identity())),
    ]))
}
