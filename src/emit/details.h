// <name>_details.h, as ST Edge AI Core generates network_details.h: the network's tensors and,
// per C node, its type and the tensors it reads and writes (stai_network_details), e.g. for a
// callback that prints what a node computed.
#pragma once
#include <string>
#include <vector>

#include "emit/c_emitter.h"

namespace eg::emit {

// The tensors of `ids` a node reads or writes at run time (in the activations or states buffer;
// constants are weights): what its callback events and its details list.
std::vector<TensorId> run_time_tensors(const Graph& g, const BufferOffsets& plan, const std::vector<TensorId>& ids);

std::string details_header(const Graph& g, const BufferOffsets& plan, const std::vector<CLayer>& layers,
                           const std::string& name, const std::string& P);

}  // namespace eg::emit
