#pragma once

// Root object of the test actions plugin ("test-actions", testOnly): makes TestActionProviders, so the
// action UI and `opsdeck act` can be tested without a cluster (OPSDECK_ACTION_PLUGIN=test-actions).

#include "actionproviderfactory.h"

#include <QObject>

class TestActionPlugin final : public QObject, public Opsdeck::ActionProviderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_ACTIONS_IID FILE "testactions.json")
    Q_INTERFACES(Opsdeck::ActionProviderFactory)

public:
    std::unique_ptr<Opsdeck::ActionProvider> createActionProvider(const Opsdeck::SourceConfig &config) const override;
};
