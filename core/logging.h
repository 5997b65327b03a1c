#pragma once

// Logging categories of core (STYLE §6: failures go to a category, never silently dropped).

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCore)    // opsdeck.core
Q_DECLARE_LOGGING_CATEGORY(lcPlugins) // opsdeck.core.plugins
