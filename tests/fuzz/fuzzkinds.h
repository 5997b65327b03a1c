#pragma once

// The first byte of a Kubernetes fuzz input picks the kind whose parser reads the rest. Seeds use the
// digits '0'..'8' so they stay readable: '0' Pod, '1' PodMetrics, '2' Deployment, '3' ReplicaSet,
// '4' HorizontalPodAutoscaler, '5' Ingress, '6' HttpRoute, '7' Service, '8' Event.

#include "observation.h"

#include <array>
#include <cstdint>

namespace FuzzKinds {

inline constexpr std::array<Opsdeck::ResourceKind, 9> kAll = {
    Opsdeck::ResourceKind::Pod,          Opsdeck::ResourceKind::PodMetrics,
    Opsdeck::ResourceKind::Deployment,   Opsdeck::ResourceKind::ReplicaSet,
    Opsdeck::ResourceKind::HorizontalPodAutoscaler,
    Opsdeck::ResourceKind::Ingress,      Opsdeck::ResourceKind::HttpRoute,
    Opsdeck::ResourceKind::Service,      Opsdeck::ResourceKind::Event,
};

inline Opsdeck::ResourceKind pick(uint8_t byte)
{
    return kAll[uint8_t(byte - '0') % kAll.size()];
}

} // namespace FuzzKinds
