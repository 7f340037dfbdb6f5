DROP INDEX "catalogue_activity_search_text_idx";--> statement-breakpoint
DROP INDEX "catalogue_activity_search_facets_idx";--> statement-breakpoint
DROP INDEX "resources_search_idx";--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_text_idx" ON "catalogue_activity_search" USING gin ("search_vector") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "catalogue_activity_search_facets_idx" ON "catalogue_activity_search" USING gin ("facets") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "resources_search_idx" ON "resources" USING gin ("search_vector") WITH (fastupdate=false);