#pragma once

// The interface a plugin's root object implements to offer actions; see datasourcefactory.h for how a
// plugin offers both sources and actions.

#include "actionprovider.h"

#include <QtPlugin>

#include <memory>

namespace Opsdeck {

class ActionProviderFactory
{
public:
    virtual ~ActionProviderFactory() = default;
    // A provider working against the same system a source of this plugin watches (same settings).
    virtual std::unique_ptr<ActionProvider> createActionProvider(const SourceConfig &config) const = 0;
};

} // namespace Opsdeck

#define OPSDECK_ACTIONS_IID "dev.opsdeck.ActionProviderFactory/1"
Q_DECLARE_INTERFACE(Opsdeck::ActionProviderFactory, OPSDECK_ACTIONS_IID)
