#include "logging.h"

Q_LOGGING_CATEGORY(lcCore, "opsdeck.core")
Q_LOGGING_CATEGORY(lcPlugins, "opsdeck.core.plugins")
