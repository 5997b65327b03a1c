#include "azurelogging.h"

Q_LOGGING_CATEGORY(lcAzure, "opsdeck.core.azure")
