#include "appinsightslogging.h"

Q_LOGGING_CATEGORY(lcAppInsights, "opsdeck.appinsights")
