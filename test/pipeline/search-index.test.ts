// The search index's bucket values, worked out by hand for a three-product catalogue (one
// bucket): the JSON a worker parses, with JavaScript's key order for number-like prefixes
// and ids (integer keys first, ascending), and a prefix two words share listed once.
import { describe, expect, it } from "vitest";
import { searchIndexPairs } from "../../pipeline/model/search-index.js";

describe("search index values", () => {
  it("lists products in answer order, prefixes and ids in object key order, each product once per prefix", () => {
    const pairs = searchIndexPairs({
      version: "v1",
      idType: "number",
      productIds: ["10", "2", "3"],
      names: ['Zed 7 "Q"', "ab ac 12", null],
      customers: Int32Array.from([1, 3, 1]),
    });
    expect(pairs.map((pair) => pair.key)).toEqual(["v/v1/search/0"]);
    // Answer order: "2" (3 customers), then "3" before "10" (tied, by id as numbers).
    expect(pairs[0].value).toBe(
      '{"products":[[2,"ab ac 12",3],[3,null,1],[10,"Zed 7 \\"Q\\"",1]],' +
        '"prefixes":{"1":[0],"7":[2],"12":[0],"a":[0],"ab":[0],"ac":[0],"z":[2],"ze":[2],"zed":[2],"q":[2]},' +
        '"ids":{"2":0,"3":1,"10":2}}',
    );
  });

  it("orders ids that are not all canonical integers by compareIds, and writes names and ids exactly", () => {
    const pairs = searchIndexPairs({
      version: "v1",
      idType: "string",
      productIds: ["b-2", "A1", "01", "7"],
      names: ['Café "x"', "ab", "😀 ok", null],
      customers: Int32Array.from([1, 1, 2, 0]),
    });
    // Answer order: "01" (2 customers), "A1" before "b-2" (tied, as strings), then "7" (none).
    // The accent and the emoji are not search words; "7" is an array index key, listed first.
    expect(pairs[0].value).toBe(
      '{"products":[["01","😀 ok",2],["A1","ab",1],["b-2","Café \\"x\\"",1],["7",null,0]],' +
        '"prefixes":{"o":[0],"ok":[0],"a":[1],"ab":[1],"c":[2],"ca":[2],"caf":[2],"x":[2]},' +
        '"ids":{"7":3,"01":0,"A1":1,"b-2":2}}',
    );
  });
});
