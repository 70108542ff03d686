//! 派单策略: reading, parsing and saving the admin's dispatch settings. The
//! rules for valid weights and limits live in the dispatch crate.

use super::authz::require_user;
use super::{app_state, internal, now};
use crate::api::dispatching::{DispatchAdminView, DispatchForm, PresetView};
use crate::api::ADMIN;
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use dispatch::{DispatchSettings, OfferPolicy, Preset, Weights};
use store::StoreError;

/// Up to two decimals, without trailing zeros (0.35, 1, 0.1).
fn decimal(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn weights_form(w: &Weights, policy: &DispatchForm) -> DispatchForm {
    DispatchForm {
        travel: decimal(w.travel),
        rating: decimal(w.rating),
        tier: decimal(w.tier),
        fairness: decimal(w.fairness),
        acceptance: decimal(w.acceptance),
        affinity: decimal(w.affinity),
        load: decimal(w.load),
        ..policy.clone()
    }
}

pub fn form_of(s: &DispatchSettings) -> DispatchForm {
    let policy = DispatchForm {
        timeout_secs: s.policy.timeout_secs.to_string(),
        max_offers: s.policy.max_offers.to_string(),
        broadcast_secs: s.policy.broadcast_secs.to_string(),
        ..DispatchForm::default()
    };
    weights_form(&s.weights, &policy)
}

/// The form as settings, or the first field that is wrong.
pub fn parse_form(f: &DispatchForm) -> Result<DispatchSettings, AppError> {
    let weight = |text: &str, field: Field| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|w| (0.0..=Weights::MAX).contains(w))
            .ok_or(AppError::invalid(field, Msg::ErrWeight))
    };
    let weights = Weights {
        travel: weight(&f.travel, Field::WeightTravel)?,
        rating: weight(&f.rating, Field::WeightRating)?,
        tier: weight(&f.tier, Field::WeightTier)?,
        fairness: weight(&f.fairness, Field::WeightFairness)?,
        acceptance: weight(&f.acceptance, Field::WeightAcceptance)?,
        affinity: weight(&f.affinity, Field::WeightAffinity)?,
        load: weight(&f.load, Field::WeightLoad)?,
    };
    if weights.validate() == Err(dispatch::WeightsError::AllZero) {
        return Err(AppError::invalid(Field::WeightTravel, Msg::ErrWeightsAllZero));
    }
    let timeout_secs = f
        .timeout_secs
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| OfferPolicy::TIMEOUT_SECS.contains(s))
        .ok_or(AppError::invalid(Field::OfferTimeout, Msg::ErrOfferTimeout))?;
    let max_offers = f
        .max_offers
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= OfferPolicy::MAX_OFFERS)
        .ok_or(AppError::invalid(Field::MaxOffers, Msg::ErrMaxOffers))?;
    let broadcast_secs = f
        .broadcast_secs
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| OfferPolicy::BROADCAST_SECS.contains(s))
        .ok_or(AppError::invalid(Field::BroadcastSecs, Msg::ErrBroadcastSecs))?;
    let settings = DispatchSettings { weights, policy: OfferPolicy { timeout_secs, max_offers, broadcast_secs } };
    settings.validate().map_err(|_| AppError::invalid(Field::MaxOffers, Msg::ErrNoOfferRoute))?;
    Ok(settings)
}

pub async fn admin_dispatch_settings() -> Result<DispatchAdminView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let (settings, version, updated_at) = super::flows::dispatch_settings(&state).await?;
    let form = form_of(&settings);
    let presets = Preset::ALL.into_iter().map(|p| PresetView { label: p.label().into(), form: weights_form(&p.weights(), &form) }).collect();
    Ok(DispatchAdminView { version, updated_at: updated_at.map(|t| t.unix_timestamp()), form, presets })
}

pub async fn save(version: i64, form: DispatchForm) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let settings = parse_form(&form)?;
    match state.store.save_dispatch_settings(&settings, version, admin.id.0, now()).await {
        Ok(next) => {
            tracing::info!(version = next, "dispatch settings saved");
            Ok(next)
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrDispatchStale)),
        Err(err) => Err(internal(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> DispatchForm {
        form_of(&DispatchSettings::default())
    }

    #[test]
    fn the_saved_settings_read_back_as_the_same_form() {
        let form = typed();
        assert_eq!(form.travel, "0.35");
        assert_eq!(form_of(&parse_form(&form).unwrap()), form);
    }

    #[test]
    fn a_bad_weight_or_limit_is_reported_on_its_own_field() {
        let cases: [(fn(&mut DispatchForm), Field, Msg); 7] = [
            (|f| f.rating = "-0.1".into(), Field::WeightRating, Msg::ErrWeight),
            (|f| f.load = "11".into(), Field::WeightLoad, Msg::ErrWeight),
            (|f| f.affinity = "很多".into(), Field::WeightAffinity, Msg::ErrWeight),
            (|f| f.timeout_secs = "5".into(), Field::OfferTimeout, Msg::ErrOfferTimeout),
            (|f| f.max_offers = "21".into(), Field::MaxOffers, Msg::ErrMaxOffers),
            (|f| f.broadcast_secs = "7201".into(), Field::BroadcastSecs, Msg::ErrBroadcastSecs),
            (
                |f| {
                    f.max_offers = "0".into();
                    f.broadcast_secs = "0".into();
                },
                Field::MaxOffers,
                Msg::ErrNoOfferRoute,
            ),
        ];
        for (spoil, field, msg) in cases {
            let mut form = typed();
            spoil(&mut form);
            assert_eq!(parse_form(&form), Err(AppError::invalid(field, msg)), "{form:?}");
        }
    }

    #[test]
    fn all_weights_zero_is_refused() {
        let zero = "0".to_string();
        let form = DispatchForm {
            travel: zero.clone(),
            rating: zero.clone(),
            tier: zero.clone(),
            fairness: zero.clone(),
            acceptance: zero.clone(),
            affinity: zero.clone(),
            load: zero,
            ..typed()
        };
        assert_eq!(parse_form(&form), Err(AppError::invalid(Field::WeightTravel, Msg::ErrWeightsAllZero)));
    }
}
