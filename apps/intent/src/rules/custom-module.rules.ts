import { CustomModuleSpec } from '@bf/contracts';
import { BusinessKind, Industry, Keywords, Monetization } from './rule-types';

/**
 * Custom Odoo modules for ideas that need a record Odoo does not have (a
 * patient, a property, a restaurant table). A spec applies when every condition
 * given holds; `keywords` needs at least one match in the idea. Specs are
 * validated against CustomModuleSpecSchema when the resolver starts.
 */
export interface CustomModuleRule {
  when: {
    industries?: readonly Industry[];
    kinds?: readonly BusinessKind[];
    monetization?: readonly Monetization[];
    keywords?: Keywords;
  };
  spec: CustomModuleSpec;
}

const VERSION = '17.0.1.0.0';
const state = (...values: string[]): [string, string][] => values.map((value) => [value, value[0].toUpperCase() + value.slice(1).replace(/_/g, ' ')]);

export const CUSTOM_MODULE_RULES: readonly CustomModuleRule[] = [
  {
    when: { industries: ['HEALTHCARE'] },
    spec: {
      module_name: 'x_patient_appointments',
      title: 'Patient Appointments',
      version: VERSION,
      depends: ['base', 'contacts', 'calendar'],
      models: [
        {
          name: 'x_clinic.patient',
          description: 'A patient of the practice, linked to a contact',
          fields: [
            { name: 'name', type: 'char', required: true, string: 'Name' },
            { name: 'partner_id', type: 'many2one', relation: 'res.partner', string: 'Contact' },
            { name: 'birth_date', type: 'date', string: 'Date of birth' },
            { name: 'insurance_number', type: 'char', string: 'Insurance number' },
            { name: 'notes', type: 'text', string: 'Notes' },
          ],
        },
        {
          name: 'x_clinic.appointment',
          description: 'A booked appointment of a patient',
          fields: [
            { name: 'patient_id', type: 'many2one', relation: 'x_clinic.patient', required: true, string: 'Patient' },
            { name: 'practitioner_id', type: 'many2one', relation: 'res.users', string: 'Practitioner' },
            { name: 'start', type: 'datetime', required: true, string: 'Start' },
            { name: 'duration', type: 'float', string: 'Duration (hours)' },
            { name: 'state', type: 'selection', selection: state('booked', 'done', 'cancelled', 'no_show'), string: 'Status' },
            { name: 'reason', type: 'text', string: 'Reason for visit' },
          ],
        },
      ],
    },
  },
  {
    when: { industries: ['REAL_ESTATE'] },
    spec: {
      module_name: 'x_real_estate',
      title: 'Real Estate Properties',
      version: VERSION,
      depends: ['base', 'contacts', 'calendar'],
      models: [
        {
          name: 'x_estate.property',
          description: 'A property offered for rent or sale',
          fields: [
            { name: 'name', type: 'char', required: true, string: 'Title' },
            { name: 'street', type: 'char', string: 'Street' },
            { name: 'zip', type: 'char', string: 'ZIP' },
            { name: 'city', type: 'char', string: 'City' },
            { name: 'property_type', type: 'selection', selection: state('apartment', 'house', 'office', 'retail', 'land'), string: 'Type' },
            { name: 'area_sqm', type: 'float', string: 'Area (m²)' },
            { name: 'currency_id', type: 'many2one', relation: 'res.currency', string: 'Currency' },
            { name: 'rent', type: 'monetary', string: 'Monthly rent' },
            { name: 'price', type: 'monetary', string: 'Sale price' },
            { name: 'owner_id', type: 'many2one', relation: 'res.partner', string: 'Owner' },
            { name: 'state', type: 'selection', selection: state('available', 'reserved', 'rented', 'sold'), string: 'Status' },
          ],
        },
        {
          name: 'x_estate.viewing',
          description: 'A viewing of a property by a prospect',
          fields: [
            { name: 'property_id', type: 'many2one', relation: 'x_estate.property', required: true, string: 'Property' },
            { name: 'partner_id', type: 'many2one', relation: 'res.partner', required: true, string: 'Prospect' },
            { name: 'start', type: 'datetime', required: true, string: 'Start' },
            { name: 'notes', type: 'text', string: 'Notes' },
          ],
        },
      ],
    },
  },
  {
    when: { industries: ['EDUCATION'] },
    spec: {
      module_name: 'x_course_enrollment',
      title: 'Courses and Enrollments',
      version: VERSION,
      depends: ['base', 'contacts'],
      models: [
        {
          name: 'x_course.course',
          description: 'A course with a schedule and a number of seats',
          fields: [
            { name: 'name', type: 'char', required: true, string: 'Course' },
            { name: 'description', type: 'html', string: 'Description' },
            { name: 'start_date', type: 'date', string: 'Starts' },
            { name: 'seats', type: 'integer', string: 'Seats' },
            { name: 'currency_id', type: 'many2one', relation: 'res.currency', string: 'Currency' },
            { name: 'price', type: 'monetary', string: 'Price' },
          ],
        },
        {
          name: 'x_course.enrollment',
          description: 'A learner enrolled in a course',
          fields: [
            { name: 'course_id', type: 'many2one', relation: 'x_course.course', required: true, string: 'Course' },
            { name: 'student_id', type: 'many2one', relation: 'res.partner', required: true, string: 'Learner' },
            { name: 'state', type: 'selection', selection: state('enrolled', 'completed', 'cancelled'), string: 'Status' },
          ],
        },
      ],
    },
  },
  {
    when: {
      industries: ['HOSPITALITY'],
      keywords: { en: ['restaurant*', 'bistro*', 'pizzeria*', 'dining', 'table*'], de: ['*restaurant*', '*mittagstisch*', '*gasthaus*', '*gasthof*', 'tisch*', '*brauhaus*'] },
    },
    spec: {
      module_name: 'x_table_reservation',
      title: 'Table Reservations',
      version: VERSION,
      depends: ['base', 'contacts'],
      models: [
        {
          name: 'x_restaurant.table',
          description: 'A table of the restaurant',
          fields: [
            { name: 'name', type: 'char', required: true, string: 'Table' },
            { name: 'seats', type: 'integer', required: true, string: 'Seats' },
            { name: 'area', type: 'char', string: 'Area' },
          ],
        },
        {
          name: 'x_restaurant.reservation',
          description: 'A reservation of a table',
          fields: [
            { name: 'partner_id', type: 'many2one', relation: 'res.partner', required: true, string: 'Guest' },
            { name: 'table_id', type: 'many2one', relation: 'x_restaurant.table', string: 'Table' },
            { name: 'start', type: 'datetime', required: true, string: 'Time' },
            { name: 'guests', type: 'integer', required: true, string: 'Guests' },
            { name: 'state', type: 'selection', selection: state('requested', 'confirmed', 'seated', 'cancelled'), string: 'Status' },
          ],
        },
      ],
    },
  },
  {
    when: {
      industries: ['HOSPITALITY'],
      keywords: {
        en: ['hotel*', 'hostel*', 'guesthouse*', 'guest house*', 'bed and breakfast', 'holiday rental*', 'vacation rental*', 'holiday apartment*', 'rooms'],
        de: ['*hotel*', 'pension', '*ferienwohnung*', '*gasthof*', '*zimmer'],
      },
    },
    spec: {
      module_name: 'x_room_booking',
      title: 'Room Bookings',
      version: VERSION,
      depends: ['base', 'contacts'],
      models: [
        {
          name: 'x_lodging.room',
          description: 'A room or apartment guests can book',
          fields: [
            { name: 'name', type: 'char', required: true, string: 'Room' },
            { name: 'room_type', type: 'selection', selection: state('single', 'double', 'suite', 'apartment'), string: 'Type' },
            { name: 'beds', type: 'integer', string: 'Beds' },
            { name: 'currency_id', type: 'many2one', relation: 'res.currency', string: 'Currency' },
            { name: 'nightly_rate', type: 'monetary', string: 'Rate per night' },
          ],
        },
        {
          name: 'x_lodging.booking',
          description: 'A stay of a guest in a room',
          fields: [
            { name: 'room_id', type: 'many2one', relation: 'x_lodging.room', required: true, string: 'Room' },
            { name: 'guest_id', type: 'many2one', relation: 'res.partner', required: true, string: 'Guest' },
            { name: 'check_in', type: 'date', required: true, string: 'Check-in' },
            { name: 'check_out', type: 'date', required: true, string: 'Check-out' },
            { name: 'state', type: 'selection', selection: state('booked', 'checked_in', 'checked_out', 'cancelled'), string: 'Status' },
          ],
        },
      ],
    },
  },
  {
    when: { kinds: ['PLATFORM'], monetization: ['COMMISSION'] },
    spec: {
      module_name: 'x_marketplace',
      title: 'Marketplace Listings and Payouts',
      version: VERSION,
      depends: ['base', 'contacts', 'account'],
      models: [
        {
          name: 'x_marketplace.listing',
          description: 'An offer a seller publishes on the marketplace',
          fields: [
            { name: 'name', type: 'char', required: true, string: 'Title' },
            { name: 'seller_id', type: 'many2one', relation: 'res.partner', required: true, string: 'Seller' },
            { name: 'currency_id', type: 'many2one', relation: 'res.currency', string: 'Currency' },
            { name: 'price', type: 'monetary', string: 'Price' },
            { name: 'commission_rate', type: 'float', string: 'Commission (%)' },
            { name: 'state', type: 'selection', selection: state('draft', 'published', 'sold', 'withdrawn'), string: 'Status' },
          ],
        },
        {
          name: 'x_marketplace.payout',
          description: 'Money owed to a seller after the commission',
          fields: [
            { name: 'seller_id', type: 'many2one', relation: 'res.partner', required: true, string: 'Seller' },
            { name: 'listing_id', type: 'many2one', relation: 'x_marketplace.listing', string: 'Listing' },
            { name: 'currency_id', type: 'many2one', relation: 'res.currency', string: 'Currency' },
            { name: 'amount', type: 'monetary', required: true, string: 'Amount' },
            { name: 'state', type: 'selection', selection: state('pending', 'paid'), string: 'Status' },
          ],
        },
      ],
    },
  },
];
