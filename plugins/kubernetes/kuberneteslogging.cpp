#include "kuberneteslogging.h"

Q_LOGGING_CATEGORY(lcKubernetes, "opsdeck.kubernetes")
