#pragma once

// The interface a source plugin's root object implements (STYLE §3). A plugin that offers actions
// implements ActionProviderFactory too, on the same object: Q_INTERFACES lists both, and its
// Q_PLUGIN_METADATA IID is the one of its main role — PluginLoader accepts either IID and then asks the
// instance (qobject_cast) which interfaces it really has. Its metadata JSON (the "MetaData" object):
//   {"id": "kubernetes", "version": "0.1.0", "name": "Kubernetes", "description": "…",
//    "observations": ["resources", "health"], "actions": ["canary-weight", "rollout-undo"]}
// Non-empty "observations" requires DataSourceFactory, non-empty "actions" ActionProviderFactory.

#include "datasource.h"

#include <QtPlugin>

#include <memory>

namespace Opsdeck {

class DataSourceFactory
{
public:
    virtual ~DataSourceFactory() = default;
    // A new, unconfigured source; the caller configures it (DataSource::configure) and hands it to
    // SourceHost. Called on the GUI thread.
    virtual std::unique_ptr<DataSource> createSource() const = 0;
};

} // namespace Opsdeck

#define OPSDECK_SOURCE_IID "dev.opsdeck.DataSourceFactory/1"
Q_DECLARE_INTERFACE(Opsdeck::DataSourceFactory, OPSDECK_SOURCE_IID)
