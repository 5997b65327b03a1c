#pragma once

// The logging category of core/azure. Tokens, secrets and refresh tokens never go to it.

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcAzure) // opsdeck.core.azure
